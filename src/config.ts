import type { Env } from './env';

/** The worker's settings, parsed from its vars and secrets once per `env` object. */
export interface Config {
  spotify: {
    apiUrl: string;
    accountsUrl: string;
    clientId?: string;
    clientSecret?: string;
    /** `library` (the February 2026 `/me/library` family, default) or `legacy` (per-type endpoints). */
    endpoints: 'library' | 'legacy';
  };
  x: {
    apiUrl: string;
    /** X's authorize page (it is not on api.x.com). */
    authorizeUrl: string;
    clientId?: string;
    /** With it the client is confidential (Basic auth on token requests). */
    clientSecret?: string;
  };
  audius: {
    apiUrl: string;
    /** The app's API key: the OAuth client_id, and sent on reads (higher rate limits). */
    apiKey?: string;
  };
  /** How many upstream calls of one request run at once (UPSTREAM_CONCURRENCY, 1-16, default 4). */
  upstreamConcurrency: number;
  /** Milliseconds one request may spend on upstream calls (REQUEST_BUDGET_MS, 100-300000, default 25000). */
  requestBudgetMs: number;
  /**
   * Days before a refresh token's end (Spotify: six months after consent) that a connection shows
   * `expiring` and the app gets its connection.expiring event (EXPIRY_WARNING_DAYS, 0-90, default
   * 14; 0: no warning, only reauth_required at the end).
   */
  expiryWarningDays: number;
  /** The worker's public origin, for OAuth redirect URIs; the request's own origin when unset. */
  publicUrl?: string;
  /** Enables the operator routes under /admin. */
  adminToken?: string;
  /** `kid:base64(32 bytes)`, comma-separated; the first key encrypts, all decrypt. */
  tokenKeys?: string;
  /** Tests only: the `Prefer` header the mocks get (set by the dev entry, never in production). */
  upstreamPrefer?: string;
  /** Seconds after a campaign fan's actions ran before `verify` checks them (CAMPAIGN_VERIFY_SECONDS, 0-3600, default 30). */
  campaignVerifyMs: number;
  /** The per-credential Governor (src/governor/): on unless RATE_GOVERNOR=off, and each provider's pace. */
  governor: { on: boolean; rate: Record<'spotify' | 'x' | 'audius', number> };
}

/**
 * Calls a second each credential is paced to by default: under what the providers allow (Audius'
 * free plan: 10/s; Spotify publishes none, so a rate a development-mode app stays clear of at; X's
 * real limits are per user and per day, counted apart).
 */
export const DEFAULT_RATES = { spotify: 10, x: 5, audius: 8 } as const;

const parsed = new WeakMap<Env, Config>();

function intIn(value: string | undefined, min: number, max: number, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

const optional = (value: string | undefined) => (value ? value : undefined);

/** A rate in calls a second: 0 (none) to 1000, fractions allowed; else the default. */
function rateOf(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n >= 0 && n <= 1000 ? n : fallback;
}

/**
 * The typed settings of `env`. A value out of range falls back to its documented default rather
 * than failing every request.
 *
 * @example
 * const { requestBudgetMs } = configOf(env);
 */
export function configOf(env: Env): Config {
  let config = parsed.get(env);
  if (config) return config;
  config = {
    spotify: {
      apiUrl: env.SPOTIFY_API_URL,
      accountsUrl: env.SPOTIFY_ACCOUNTS_URL,
      clientId: optional(env.SPOTIFY_CLIENT_ID),
      clientSecret: optional(env.SPOTIFY_CLIENT_SECRET),
      endpoints: env.SPOTIFY_ENDPOINTS === 'legacy' ? 'legacy' : 'library',
    },
    x: { apiUrl: env.X_API_URL, authorizeUrl: env.X_AUTHORIZE_URL, clientId: optional(env.X_CLIENT_ID), clientSecret: optional(env.X_CLIENT_SECRET) },
    audius: { apiUrl: env.AUDIUS_API_URL, apiKey: optional(env.AUDIUS_API_KEY) },
    upstreamConcurrency: intIn(env.UPSTREAM_CONCURRENCY, 1, 16, 4),
    requestBudgetMs: intIn(env.REQUEST_BUDGET_MS, 100, 300_000, 25_000),
    expiryWarningDays: intIn(env.EXPIRY_WARNING_DAYS, 0, 90, 14),
    campaignVerifyMs: intIn(env.CAMPAIGN_VERIFY_SECONDS, 0, 3600, 30) * 1000,
    publicUrl: optional(env.PUBLIC_URL),
    adminToken: optional(env.ADMIN_TOKEN),
    tokenKeys: optional(env.TOKEN_KEYS),
    upstreamPrefer: env.CROSSFOLLOW_TEST_PREFER === 'on' ? optional(env.UPSTREAM_PREFER) : undefined,
    governor: {
      on: env.RATE_GOVERNOR !== 'off',
      rate: {
        spotify: rateOf(env.SPOTIFY_RATE, DEFAULT_RATES.spotify),
        x: rateOf(env.X_RATE, DEFAULT_RATES.x),
        audius: rateOf(env.AUDIUS_RATE, DEFAULT_RATES.audius),
      },
    },
  };
  parsed.set(env, config);
  return config;
}
