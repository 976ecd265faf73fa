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

export const RevokeBody = z.object({ api_key: z.string().min(1).max(256) }).strict().openapi('RevokeKey');
