import { z } from '@hono/zod-openapi';
import { PROVIDERS } from '../providers/names';

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
    status: z.enum(['active', 'reauth_required']),
    scope: z.array(z.string()),
    access_token_expires_at: z.string(),
    has_refresh_token: z.boolean(),
    provider_user_id: z.string().nullable(),
    encryption_key_id: z.string().nullable(),
    connected_at: z.string(),
    updated_at: z.string(),
    refreshed_at: z.string().nullable(),
    reason: z.string().nullable(),
  })
  .openapi('Connection');
/** What the API may say about a connection: never a token. */
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

export const ConnectionList = z.object({ user: z.string(), connections: z.array(ConnectionStatus) }).openapi('Connections');
