import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { Problem } from '../http/problem';
import { findApp } from './apps';

const CHALLENGE = 'Bearer realm="crossfollow"';

/**
 * Requires `Authorization: Bearer <app api key>` and sets `appId`, the namespace every user
 * id of the request lives in.
 *
 * @example
 * app.use('/v1/users/*', apiKeyAuth())
 */
export function apiKeyAuth(): MiddlewareHandler<AppEnv> {
  return async function apiKeyAuthMiddleware(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new Problem(401, 'unauthorized', 'Send your app API key as Authorization: Bearer <key>.', {}, { 'www-authenticate': CHALLENGE });
    }
    const app = await findApp(c.env.APPS, match[1]!);
    if (!app) {
      throw new Problem(401, 'unauthorized', 'The API key is unknown or revoked.', {}, { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` });
    }
    c.set('appId', app.app_id);
    await next();
  };
}
