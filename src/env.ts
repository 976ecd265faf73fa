import type { ActionsMessage, CampaignMessage, EventMessage } from './queues/messages';

/**
 * Bindings, vars and secrets of the worker as the runtime hands them over; wrangler.toml and
 * docs/configuration.md list each with its default. Code reads vars through `configOf(env)`
 * (config.ts), parsed once. A leaf of the import graph.
 */
export interface Env {
  APPS: KVNamespace;
  TOKENS: KVNamespace;
  // TOKEN_VAULT, IDEMPOTENCY and OAUTH_STATE are declared beside their classes (tokens/vault.ts,
  // idempotency/store.ts, oauth/state.ts) by declaration merging, so this file imports no class.
  /** Outbound events (producer); the same worker consumes them and delivers webhooks. */
  EVENTS: Queue<EventMessage>;
  /** Hook actions sent with async=1, run by this worker's consumer. */
  ACTIONS: Queue<ActionsMessage>;
  /** Campaign work (searches, fans to run and verify), handed out by each Campaign object. */
  CAMPAIGNS: Queue<CampaignMessage>;
  SPOTIFY_API_URL: string;
  SPOTIFY_ACCOUNTS_URL: string;
  X_API_URL: string;
  AUDIUS_API_URL: string;
  SPOTIFY_ENDPOINTS: string;
  UPSTREAM_CONCURRENCY: string;
  /** Calls a second per provider credential (docs/configuration.md); `0` paces nothing. */
  SPOTIFY_RATE?: string;
  X_RATE?: string;
  AUDIUS_RATE?: string;
  /** `off` sends calls without asking the credential's Governor (for measuring what it costs). */
  RATE_GOVERNOR?: string;
  REQUEST_BUDGET_MS?: string;
  EXPIRY_WARNING_DAYS?: string;
  CAMPAIGN_VERIFY_SECONDS?: string;
  TOKEN_KEYS?: string;
  ADMIN_TOKEN?: string;
  SPOTIFY_CLIENT_ID?: string;
  SPOTIFY_CLIENT_SECRET?: string;
  X_CLIENT_ID?: string;
  X_CLIENT_SECRET?: string;
  AUDIUS_API_KEY?: string;
  PUBLIC_URL?: string;
  X_AUTHORIZE_URL: string;
  /** Read only by the dev entry (src/dev/entry.ts), which a deployment never runs. */
  CROSSFOLLOW_TEST_PREFER?: string;
  /** Set per request by the dev entry from `x-test-prefer`; production never has it. */
  UPSTREAM_PREFER?: string;
  /** Read only by the dev entry: `npm start` seeds the demo app and user. */
  CROSSFOLLOW_LOCAL_DEMO?: string;
  /**
   * Read only by the dev entry (src/dev/demo.ts), never through configOf, so a deployed bundle
   * does not name it: in demo mode, where the demo app's events go until a user sets webhook_url.
   */
  DEMO_WEBHOOK_URL?: string;
}

/** Set by the auth middleware; a module that adds one declares it beside itself (auth/session.ts). */
export interface AppVariables {
  appId: string;
}
export type AppEnv = { Bindings: Env; Variables: AppVariables };
