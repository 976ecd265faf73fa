import { z } from '@hono/zod-openapi';

const AppId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'an app id is 1-64 letters, digits, ".", "_" or "-"');

export const CreateAppBody = z
  .object({
    name: z.string().min(1).max(200).openapi({ example: 'Merch shop' }),
    app_id: AppId.optional().openapi({ description: 'Defaults to a random id. Pass an existing app id to add a key to that app (key rotation).' }),
  })
  .strict()
  .openapi('CreateApp');

export const CreatedApp = z
  .object({
    app_id: z.string(),
    name: z.string(),
    api_key: z.string().openapi({ description: 'Shown once; crossfollow keeps only its SHA-256.' }),
    created_at: z.string(),
  })
  .openapi('CreatedApp');

export const RevokeBody = z
  .object({ api_key: z.string().min(1).max(256) })
  .strict()
  .openapi('RevokeKey');

const HttpsUrl = z
  .string()
  .url()
  .max(2048)
  .refine((u) => /^https:\/\//.test(u) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(u), 'use https (http only on localhost)');

export const AppIdPath = z.object({ app_id: AppId.openapi({ param: { name: 'app_id', in: 'path' } }) });

export const SettingsBody = z
  .object({
    return_to: z.array(HttpsUrl).max(20).optional().openapi({ description: 'Exact URLs OAuth connect may send users back to.' }),
    webhook_url: HttpsUrl.nullable().optional().openapi({ description: 'Where events (connection.created, …) are delivered; null to stop.' }),
    rotate_event_secret: z
      .boolean()
      .optional()
      .openapi({ description: 'A new secret signs events; the previous one signs too until revoked, so receivers can switch.' }),
    rotate_action_secret: z.boolean().optional().openapi({ description: 'A new secret for inbound actions; the previous one keeps verifying until revoked.' }),
    revoke_previous: z
      .boolean()
      .optional()
      .openapi({ description: 'Drop every secret but the newest of each kind (after a leak, rotate and revoke at once).' }),
  })
  .strict()
  .openapi('AppSettingsUpdate');

export const SettingsResponse = z
  .object({
    app_id: z.string(),
    return_to: z.array(z.string()),
    webhook_url: z.string().nullable(),
    event_secret: z.string().optional().openapi({ description: 'Only when new: the whsec_ secret events are signed with (verify them with it).' }),
    action_secret: z.string().optional().openapi({ description: 'Only when new: the whsec_ secret to sign inbound actions with.' }),
    live_secrets: z.object({ event: z.number(), action: z.number() }),
  })
  .openapi('AppSettings');

/** One provider credential's Governor, as the operator sees it (GET /admin/governors). */
export const GovernorState = z
  .object({
    paused_until: z.string().nullable().openapi({ description: "Until when every user's calls are held back (a 429's Retry-After); null when not paused" }),
    reason: z.enum(['rate-limited', 'quota-exceeded']).nullable(),
    probing: z.boolean().openapi({ description: 'The first call after a pause is out, alone; the rest wait for its answer' }),
    calls_last_minute: z.number().int(),
    rate_limited_today: z.number().int().openapi({ description: '429s this UTC day' }),
    quota_exceeded_today: z.number().int(),
    daily: z
      .record(z.string(), z.object({ used: z.number().int(), resets_at: z.string() }))
      .openapi({ description: "The app's daily counts at the provider (X: `x:follows`, 1,000 a day)" }),
    minutes: z
      .array(z.object({ minute: z.string(), calls: z.number().int(), rate_limited: z.number().int() }))
      .openapi({ description: 'Calls admitted and 429s met in each minute of the last hour, oldest first; a minute with neither is left out' }),
    circuit: z
      .object({
        state: z.enum(['closed', 'open', 'half-open']),
        until: z.string().nullable().openapi({ description: 'While open: when the first call is let through again' }),
        reported_at: z.string().nullable(),
      })
      .openapi({
        description:
          "The circuit breaker's last change, as a worker isolate reported it (each isolate keeps its own circuit, opened after 5 failures in a row, from 2 connections or more)",
      }),
  })
  .openapi('GovernorState');
export type GovernorState = z.infer<typeof GovernorState>;

export const GovernorEntry = GovernorState.extend({
  provider: z.enum(['spotify', 'x', 'audius']),
  rate: z.number().openapi({ description: 'Calls a second this credential is paced to (SPOTIFY_RATE, X_RATE, AUDIUS_RATE); 0 paces nothing' }),
  enabled: z.boolean().openapi({ description: 'false when RATE_GOVERNOR=off' }),
}).openapi('Governor');

export const GovernorsResponse = z.object({ governors: z.array(GovernorEntry) }).openapi('Governors');

export const GovernorPath = z.object({
  provider: z.enum(['spotify', 'x', 'audius']).openapi({ param: { name: 'provider', in: 'path' } }),
});

export const ResumeBody = z
  .object({ reset_daily: z.boolean().optional().openapi({ description: "Also forget the day's counts (X: the app's 1,000 follows)" }) })
  .openapi('GovernorResume');
export type GovernorsResponse = z.infer<typeof GovernorsResponse>;
