import type { MiddlewareHandler } from 'hono';
import { configOf } from '../config';
import type { AppEnv } from '../env';
import { Problem } from '../http/problem';
import { sha256Hex } from './apps';

/** Whether `given` is the operator's `secret`, compared in constant time over both hashes. */
export async function isAdminToken(secret: string, given: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [a, b] = [enc.encode(await sha256Hex(given)), enc.encode(await sha256Hex(secret))];
  return given !== '' && crypto.subtle.timingSafeEqual(a, b);
}

/**
 * Guards the operator routes with the `ADMIN_TOKEN` secret. Without the secret the routes do
 * not exist (404), so a deployment that never sets it exposes nothing. Both sides are hashed
 * first so the constant-time compare sees equal lengths.
 *
 * @example
 * app.use('/admin/*', adminAuth())
 */
export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async function adminAuthMiddleware(c, next) {
    const secret = configOf(c.env).adminToken;
    if (!secret) throw new Problem(404, 'not-found', 'Operator routes are off: set the ADMIN_TOKEN secret to use them.');
    const given = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
    if (!(await isAdminToken(secret, given))) {
      throw new Problem(
        401,
        'unauthorized',
        'Operator routes need Authorization: Bearer <ADMIN_TOKEN>.',
        {},
        { 'www-authenticate': 'Bearer realm="crossfollow-admin"' },
      );
    }
    await next();
  };
}
