import type { Context, MiddlewareHandler } from 'hono';
import { sha256Hex } from '../auth/apps';
import type { AppEnv, Env } from '../env';
import { Problem } from '../http/problem';
import { objectNames } from '../storage/keys';
import type { StoredResponse } from './store';

const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ['content-type', 'retry-after'];

function storeFor(env: Env, name: string) {
  return env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(name));
}

/**
 * Runs `handle` at most once per `name`: a repeat with the same `fingerprint` gets the first
 * answer again, marked `idempotent-replayed: true`.
 */
export async function once(env: Env, name: string, fingerprint: string, handle: () => Promise<Response>): Promise<Response> {
  const store = storeFor(env, name);
  const begun = await store.begin(fingerprint);
  if (begun.kind === 'mismatch')
    throw new Problem(422, 'idempotency-key-reused', 'This Idempotency-Key was used for a different request; use a new key for a new request.');
  if (begun.kind === 'in-flight')
    throw new Problem(
      409,
      'idempotency-in-flight',
      'The first request with this Idempotency-Key is still running; retry when it has answered.',
      {},
      { 'retry-after': '1' },
    );
  if (begun.kind === 'replay') return replay(begun.response);
  let response: Response;
  try {
    response = await handle();
  } catch (err) {
    if (err instanceof Problem) response = err.toResponse();
    else {
      await store.abandon(fingerprint);
      throw err;
    }
  }
  // Only a final answer is kept: a 5xx (a crash turned into a problem by onError, or a provider
  // that is down) or an answer that says "retry after" would otherwise be replayed for a day to
  // a client doing exactly what it was told. The key is given back instead.
  if (response.status >= 500 || response.headers.has('retry-after')) {
    await store.abandon(fingerprint);
    return response;
  }
  const body = await response.clone().text();
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = response.headers.get(name);
    if (value) headers[name] = value;
  }
  await store.complete(fingerprint, { status: response.status, headers, body });
  return response;
}

function replay(stored: StoredResponse): Response {
  return new Response(stored.body, { status: stored.status, headers: { ...stored.headers, 'idempotent-replayed': 'true' } });
}

/**
 * `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header) on mutating routes: the same
 * key and request replay the first answer without calling the provider again; the same key with
 * another request is a 422; while the first is still running, a 409.
 *
 * @example
 * app.use('/v1/users/*', idempotencyKey())
 */
export function idempotencyKey(): MiddlewareHandler<AppEnv> {
  return async function idempotencyKeyMiddleware(c: Context<AppEnv>, next) {
    const key = c.req.header('idempotency-key');
    if (key === undefined || c.req.method === 'GET') return next();
    if (!KEY.test(key))
      throw new Problem(422, 'validation-error', 'Idempotency-Key is 1-255 visible ASCII characters.', {
        errors: [{ parameter: 'Idempotency-Key', detail: 'not a valid key' }],
      });
    const body = await c.req.text();
    const fingerprint = await sha256Hex(`${c.req.method} ${new URL(c.req.url).pathname}\n${body}`);
    c.res = await once(c.env, objectNames.idempotencyKey(c.get('appId'), key), fingerprint, async () => {
      await next();
      return c.res;
    });
  };
}
