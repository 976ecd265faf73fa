import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { Problem } from '../http/problem';
import { findApp } from './apps';

const CHALLENGE = 'Bearer realm="crossfollow"';

/** A route that takes no API key: its method, its OpenAPI path, and how it authenticates instead. */
export interface PublicRoute {
  method: string;
  path: string;
  why: string;
}

/** `/v1/oauth/{provider}/callback` → a pattern that matches one path segment per parameter. */
function matcher(route: PublicRoute): (method: string, path: string) => boolean {
  const pattern = new RegExp(`^${route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
  return (method, path) => method === route.method && pattern.test(path);
}

/**
 * Requires `Authorization: Bearer <app api key>` on every request it sees, except the routes
 * listed as public, and sets `appId`, the namespace every user id of the request lives in.
 *
 * @example
 * app.use('/v1/*', apiKeyAuth([{ method: 'POST', path: '/v1/hooks/actions', why: 'signed' }]))
 */
export function apiKeyAuth(publicRoutes: readonly PublicRoute[] = []): MiddlewareHandler<AppEnv> {
  const isPublic = publicRoutes.map(matcher);
  return async function apiKeyAuthMiddleware(c, next) {
    const path = new URL(c.req.url).pathname;
    if (isPublic.some((test) => test(c.req.method, path))) return next();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) {
      throw new Problem(401, 'unauthorized', 'Send your app API key as Authorization: Bearer <key>.', {}, { 'www-authenticate': CHALLENGE });
    }
    const app = await findApp(c.env.APPS, match[1]);
    if (!app) {
      throw new Problem(401, 'unauthorized', 'The API key is unknown or revoked.', {}, { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` });
    }
    c.set('appId', app.app_id);
    await next();
  };
}
