import { z } from '@hono/zod-openapi';
import { PROVIDERS } from '../providers/names';

/** How far ahead of our clock an app's authorized_at may be before it counts as in the future. */
const CLOCK_SKEW_MS = 5 * 60_000;

export const ImportBody = z
  .object({
    access_token: z.string().min(1, 'access_token is required').max(4096),
    refresh_token: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .openapi({ description: 'Without it, the connection needs the user again once the access token expires.' }),
    expires_in: z
      .number()
      .int()
      .min(0)
      .max(31_536_000)
      .optional()
      .openapi({ description: "Seconds the access token has left; 3600 (Spotify's lifetime) when neither this nor expires_at is sent." }),
    expires_at: z.iso.datetime({ offset: true, message: 'expires_at is an ISO 8601 date-time, like 2026-11-24T18:00:00Z' }).optional(),
    scope: z.string().max(2048).optional().openapi({ description: 'Space-separated scopes the tokens were granted.' }),
    authorized_at: z.iso
      .datetime({ offset: true, message: 'authorized_at is an ISO 8601 date-time, like 2026-06-01T12:00:00Z' })
      // An unparsable value is the format check's to report; a few minutes ahead is clock skew.
      .refine((s) => !(Date.parse(s) > Date.now() + CLOCK_SKEW_MS), 'authorized_at is in the future: it is when the user consented')
      .optional()
      .openapi({
        description:
          'When the user consented to these tokens (the original OAuth authorization, not the last refresh): Spotify refresh tokens end six months after it. Defaults to now, so re-importing without it counts as a new authorization; send the original time when re-importing tokens of the same grant.',
      }),
    provider_user_id: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, "provider_user_id is the user's own id at the provider, like 2244994945 on X")
      .optional()
      .openapi({ description: "The user's own id at the provider (X, Audius); looked up on first use when left out." }),
  })
  .strict()
  .refine((b) => !(b.expires_in !== undefined && b.expires_at !== undefined), { message: 'send expires_in or expires_at, not both', path: ['expires_at'] })
  .openapi('TokenImport');

export const ConnectionStatus = z
  .object({
    provider: z.enum(PROVIDERS),
    status: z.enum(['active', 'reauth_required']).openapi({
      description: 'active: usable (see expiring for one that ends soon); reauth_required: the user must connect again (reason says why).',
    }),
    scope: z.array(z.string()),
    access_token_expires_at: z.string(),
    has_refresh_token: z.boolean(),
    provider_user_id: z.string().nullable(),
    encryption_key_id: z.string().nullable(),
    connected_at: z.string(),
    updated_at: z.string(),
    refreshed_at: z.string().nullable(),
    authorized_at: z.string().openapi({
      description:
        "When the user consented (the OAuth connect, or the import's authorized_at); a refresh never moves it. Connections made before crossfollow kept it show connected_at.",
    }),
    refresh_expires_at: z.string().nullable().openapi({
      description:
        'When the refresh token stops working whatever is done (Spotify: authorized_at + 6 calendar months); null where the provider documents no limit (X, Audius).',
    }),
    expiring: z.boolean().openapi({
      description:
        'true while the connection still works but is within EXPIRY_WARNING_DAYS (default 14) of refresh_expires_at: send the user through the OAuth connect again. status stays active meanwhile; after refresh_expires_at it is reauth_required.',
    }),
    reason: z.string().nullable(),
  })
  .openapi('Connection');
/** What the API may say about a connection: never a token. */
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

export const ConnectionList = z.object({ user: z.string(), connections: z.array(ConnectionStatus) }).openapi('Connections');

const SHOWN_STATUSES = ['active', 'expiring', 'reauth_required'] as const;

export const ConnectionIndexQuery = z.object({
  status: z.enum(SHOWN_STATUSES).optional().openapi({ description: 'Only connections in this status' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1000).optional().openapi({ description: "The previous page's next_cursor" }),
});

export const IndexedConnection = z
  .object({
    user: z.string(),
    provider: z.enum(PROVIDERS),
    status: z.enum(SHOWN_STATUSES).openapi({
      description: 'active; expiring: still works, within EXPIRY_WARNING_DAYS of its refresh token’s end; reauth_required: the user must connect again',
    }),
    reason: z.string().nullable(),
    since: z.string().openapi({ description: 'When it entered this status' }),
    refresh_expires_at: z.string().nullable(),
    reconnect: z
      .object({ method: z.literal('POST'), path: z.string(), body: z.object({ user: z.string() }) })
      .nullable()
      .openapi({ description: 'For expiring and reauth_required: the call that sends the user through consent again (add your return_to)' }),
  })
  .openapi('IndexedConnection');

export const ConnectionIndexPage = z
  .object({
    counts: z.object({ active: z.number().int(), expiring: z.number().int(), reauth_required: z.number().int(), total: z.number().int() }),
    connections: z.array(IndexedConnection),
    next_cursor: z.string().nullable(),
  })
  .openapi('AppConnections');
export type ConnectionIndexPage = z.infer<typeof ConnectionIndexPage>;
