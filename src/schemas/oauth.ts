import { z } from '@hono/zod-openapi';
import { ProviderParam, UserId } from './common';

/** The route that starts an OAuth connect; a connection.expiring event names it for the reconnect. */
export const AUTHORIZE_PATH = '/v1/connections/{provider}/authorize';

export const AuthorizePath = z.object({ provider: ProviderParam });

export const AuthorizeBody = z
  .object({
    user: UserId,
    return_to: z.string().url().max(2048).openapi({ description: "Must equal one of the app's return_to URLs exactly." }),
    scopes: z
      .array(z.string().regex(/^[\w.:-]{1,64}$/))
      .min(1)
      .max(30)
      .optional()
      .openapi({ description: 'Defaults to what the follow and library operations need.' }),
  })
  .strict()
  .openapi('AuthorizeRequest');

export const AuthorizeResponse = z.object({ authorize_url: z.string(), state_expires_at: z.string(), redirect_uri: z.string() }).openapi('AuthorizeResult');

export const CallbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(256).optional(),
  error: z.string().max(256).optional(),
});

export const ConfirmBody = z
  .object({ connect_id: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'connect_id is the value crossfollow put on return_to') })
  .strict()
  .openapi('ConfirmConnect');
