/**
 * Every name crossfollow stores under: KV keys, Durable Object names and the storage keys inside
 * each object. docs/storage.md describes each one, in this order; nothing else builds a key.
 */
import type { ProviderName } from '../providers/names';

/** Who a token belongs to. Its `app|user|provider` form names the TokenVault and is the AAD. */
export interface ConnectionId {
  app: string;
  user: string;
  provider: ProviderName;
}

/** `app|user|provider`: the TokenVault's name, the tokens' additional data, the circuit's source. */
export function connectionKey(id: ConnectionId): string {
  return `${id.app}|${id.user}|${id.provider}`;
}

/** KV `APPS`. */
export const appsKv = {
  /** An API key's record, found by the first 16 hex characters of its SHA-256. */
  apiKey: (keySha256: string) => `apikey:${keySha256.slice(0, 16)}`,
  /** An app's settings (return_to, webhook_url, encrypted webhook secrets). */
  settings: (app: string) => `app:${app}`,
  /**
   * An app's campaign in its list: newest first, since KV lists in key order and the middle part
   * is the creation time counted down from 9999999999999.
   */
  campaign: (app: string, createdAt: number, id: string) => `campaign:${app}:${String(9_999_999_999_999 - createdAt).padStart(13, '0')}:${id}`,
  campaignPrefix: (app: string) => `campaign:${app}:`,
  /** A dashboard session, found by the SHA-256 of its cookie (which only the browser holds); expires with KV's TTL. */
  session: (tokenSha256: string) => `session:${tokenSha256}`,
};

/** KV `TOKENS`: a connection's cached, encrypted access token. */
export const tokensKv = {
  access: (id: ConnectionId) => `token:${connectionKey(id)}`,
};

/** Durable Object names (`idFromName`). */
export const objectNames = {
  tokenVault: connectionKey,
  /** An `Idempotency-Key` of an app. */
  idempotencyKey: (app: string, key: string) => `${app}|key|${key}`,
  /** A `webhook-id` of an app's inbound hook. */
  hookDelivery: (app: string, webhookId: string) => `${app}|hook|${webhookId}`,
  /** An OAuth `state`. */
  oauthState: (state: string) => state,
  /** A provider credential's Governor: the provider, and a hash of its API origin and credential id (never the credential). */
  governor: (provider: string, credentialHash: string) => `${provider}|${credentialHash}`,
  /** A campaign of an app: the app is in the name, so another app's key never reaches it. */
  campaign: (app: string, id: string) => `${app}|campaign|${id}`,
  /** An app's index of its connections. */
  connectionIndex: (app: string) => `${app}|connections`,
  /** An app's log of event deliveries. */
  deliveryLog: (app: string) => `${app}|deliveries`,
};

/** Storage inside a ConnectionIndex (SQLite): one row a connection. */
export const connectionIndexStorage = { table: 'connections' };

/** Storage inside a DeliveryLog (SQLite): one row a delivery attempt (the newest 1,000), and the day's counts by the hour. */
export const deliveryLogStorage = { table: 'deliveries', hoursTable: 'delivery_hours' };

/** Storage inside a Campaign (SQLite): its record under a key, its fans and outbox in tables. */
export const campaignStorage = {
  record: 'campaign',
  /** One row a fan: state, run time, lease, results (JSON). */
  fansTable: 'fans',
  /** One row per fan and action: that action's status, for the per-action counts. */
  fanActionsTable: 'fan_actions',
  /** Events decided but not yet on the events queue. */
  outboxTable: 'outbox',
};

/** Storage keys inside a Governor. */
export const governorStorage = {
  state: 'state',
  /** Calls and 429s by minute, the last hour's, written once a minute. */
  minutes: 'minutes',
  /** The circuit breaker's last change, as an isolate reported it. */
  circuit: 'circuit',
};

/** Storage keys inside a TokenVault. */
export const vaultStorage = {
  connection: 'connection',
  pending: (connectId: string) => `pending:${connectId}`,
  pendingPrefix: 'pending:',
  budget: (bucket: string) => `budget:${bucket}`,
  /** What the app's ConnectionIndex was last told of this connection, and whether it answered (tokens/index-sync.ts). */
  index: 'index',
};

/** Storage keys inside an IdempotencyStore and an OAuthState. */
export const idempotencyStorage = { entry: 'entry' };
export const oauthStateStorage = { pending: 'pending' };

/** Additional data of an app's encrypted webhook secrets. */
export const settingsSecretAad = (app: string, kind: 'event' | 'action') => `${app}|${kind}-secret`;
