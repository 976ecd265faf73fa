import type { EventMessage } from './events/emit';
import type { ActionBatch } from './hooks/actions';
import type { IdempotencyStore } from './idempotency/store';
import type { OAuthState } from './oauth/state';
import type { TokenVault } from './tokens/vault';

/** Bindings, vars and secrets of the worker; wrangler.toml and the README list each with its default. */
export interface Env {
  APPS: KVNamespace;
  TOKENS: KVNamespace;
  TOKEN_VAULT: DurableObjectNamespace<TokenVault>;
  IDEMPOTENCY: DurableObjectNamespace<IdempotencyStore>;
  OAUTH_STATE: DurableObjectNamespace<OAuthState>;
  /** Outbound events (producer); the same worker consumes them and delivers webhooks. */
  EVENTS: Queue<EventMessage>;
  /** Hook actions sent with async=1, run by this worker's consumer. */
  ACTIONS: Queue<ActionBatch>;
  SPOTIFY_API_URL: string;
  SPOTIFY_ACCOUNTS_URL: string;
  X_API_URL: string;
  AUDIUS_API_URL: string;
  /** `library` (the February 2026 `/me/library` family, default) or `legacy` (per-type endpoints). */
  SPOTIFY_ENDPOINTS: string;
  /** How many upstream batches of one request run at once. */
  UPSTREAM_CONCURRENCY: string;
  /** Milliseconds one request may spend on upstream calls (default 25000); later batches are deferred. */
  REQUEST_BUDGET_MS?: string;
  /** Secret: comma-separated `kid:base64(32 bytes)`; the first key encrypts, all decrypt. */
  TOKEN_KEYS?: string;
  /** Secret: enables the operator routes under /admin (creating and revoking app keys). */
  ADMIN_TOKEN?: string;
  SPOTIFY_CLIENT_ID?: string;
  SPOTIFY_CLIENT_SECRET?: string;
  /** X OAuth 2 client id; with X_CLIENT_SECRET the client is confidential (Basic auth on refresh). */
  X_CLIENT_ID?: string;
  X_CLIENT_SECRET?: string;
  /** Audius app API key: the OAuth client_id, and sent on reads (higher rate limits). */
  AUDIUS_API_KEY?: string;
  /** The worker's public origin, for OAuth redirect URIs; the request's own origin when unset. */
  PUBLIC_URL?: string;
  /** X's authorize page (it is not on api.x.com). */
  X_AUTHORIZE_URL: string;
  /** Tests only ("on"): the request header `x-test-prefer` is passed to the upstream as `Prefer` (Prism picks its answer). */
  CROSSFOLLOW_TEST_PREFER?: string;
  /** Set per request from `x-test-prefer` when CROSSFOLLOW_TEST_PREFER is on. */
  UPSTREAM_PREFER?: string;
  /** Set only by `npm start`: seeds the demo app and user. A deployment never sets it. */
  CROSSFOLLOW_LOCAL_DEMO?: string;
}

export type AppVariables = { appId: string };
export type AppEnv = { Bindings: Env; Variables: AppVariables };
