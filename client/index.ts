/**
 * A typed client for crossfollow's own API: openapi-fetch over types that openapi-typescript
 * makes from client/openapi.json (the document the worker serves at /openapi.json).
 *
 * @example
 * const cf = crossfollow({ baseUrl: 'http://127.0.0.1:8787', apiKey: 'demo-key' });
 * const { data, error } = await cf.PUT('/v1/users/{user}/{provider}/follows', {
 *   params: { path: { user: 'demo', provider: 'spotify' } },
 *   body: { type: 'artist', ids: ['0TnOYISbd1XYRBk9myaseg'] },
 * });
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths };

// Typed by the JSON answers: list routes also stream NDJSON with all=1, which is read with fetch
// (one JSON object a line) rather than through this client.
type JsonMedia = 'application/json' | 'application/problem+json';
export type CrossfollowClient = Client<paths, JsonMedia>;

export interface CrossfollowOptions {
  /** The worker's origin, e.g. https://crossfollow.example.com or http://127.0.0.1:8787. */
  baseUrl: string;
  /** Your app's API key (sent as a Bearer token; keep it on your backend). */
  apiKey: string;
  /** Another fetch (a test double, or a proxy-aware one). */
  fetch?: typeof globalThis.fetch;
}

export function crossfollow({ baseUrl, apiKey, fetch }: CrossfollowOptions): CrossfollowClient {
  return createClient<paths, JsonMedia>({ baseUrl, headers: { authorization: `Bearer ${apiKey}` }, ...(fetch ? { fetch } : {}) });
}
