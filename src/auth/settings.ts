import type { Env } from '../env';
import { decrypt, encrypt, keyringFrom } from '../tokens/crypto';

/**
 * An app's settings, kept in APPS under `app:<app_id>`: where OAuth may send users back, where
 * events go, and the Standard Webhooks secrets (encrypted) that sign them and verify inbound
 * actions. Several secrets may be live at once, newest first, so a rotation never breaks a hook.
 */
interface StoredSettings {
  return_to: string[];
  webhook_url: string | null;
  webhook_secrets: string[];
}

export interface AppSettings {
  return_to: string[];
  webhook_url: string | null;
  /** Clear `whsec_…` secrets, newest first. */
  webhook_secrets: string[];
}

const key = (app: string) => `app:${app}`;
const aad = (app: string) => `${app}|webhook-secret`;

export async function readSettings(env: Env, app: string): Promise<AppSettings> {
  const stored = await env.APPS.get<StoredSettings>(key(app), 'json');
  if (!stored) return { return_to: [], webhook_url: null, webhook_secrets: [] };
  const ring = await keyringFrom(env.TOKEN_KEYS);
  const secrets = await Promise.all(stored.webhook_secrets.map((s) => decrypt(ring, s, aad(app)).catch(() => null)));
  return { return_to: stored.return_to, webhook_url: stored.webhook_url, webhook_secrets: secrets.filter((s): s is string => s !== null) };
}

export async function writeSettings(env: Env, app: string, settings: AppSettings): Promise<void> {
  const ring = await keyringFrom(env.TOKEN_KEYS);
  const webhook_secrets = await Promise.all(settings.webhook_secrets.map((s) => encrypt(ring, s, aad(app))));
  await env.APPS.put(key(app), JSON.stringify({ return_to: settings.return_to, webhook_url: settings.webhook_url, webhook_secrets } satisfies StoredSettings));
}

/** A new Standard Webhooks secret: `whsec_` and 32 random bytes, base64. */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}
