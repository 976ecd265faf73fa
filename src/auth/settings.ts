import { configOf } from '../config';
import type { Env } from '../env';
import { Problem } from '../http/problem';
import { appsKv, settingsSecretAad } from '../storage/keys';
import { decrypt, encrypt, keyIdOf, keyringFrom } from '../tokens/crypto';

/**
 * An app's settings, kept in APPS under `app:<app_id>`: where OAuth may send users back, where
 * events go, and two sets of Standard Webhooks secrets (encrypted): `event` secrets sign what
 * crossfollow sends, `action` secrets verify the actions it receives — so whoever receives
 * events cannot send actions. Each set holds at most two live secrets, newest first, so a
 * rotation never breaks a sender or a receiver.
 */
interface StoredSettings {
  return_to: string[];
  webhook_url: string | null;
  event_secrets: string[];
  action_secrets: string[];
}

export interface AppSettings {
  return_to: string[];
  webhook_url: string | null;
  /** Clear `whsec_…` secrets that sign outbound events, newest first. */
  event_secrets: string[];
  /** Clear `whsec_…` secrets that inbound actions must be signed with, newest first. */
  action_secrets: string[];
}

const key = appsKv.settings;
const aad = settingsSecretAad;

/**
 * The app's settings. A secret that no longer decrypts (its key left TOKEN_KEYS) is an error
 * for the operator, never silently dropped; secrets under an older key are moved to the current one.
 */
export async function readSettings(env: Env, app: string): Promise<AppSettings> {
  const stored = await env.APPS.get<StoredSettings>(key(app), 'json');
  if (!stored) return { return_to: [], webhook_url: null, event_secrets: [], action_secrets: [] };
  const ring = await keyringFrom(configOf(env).tokenKeys);
  const open = (list: string[] | undefined, kind: 'event' | 'action') =>
    Promise.all(
      (list ?? []).map((s) =>
        decrypt(ring, s, aad(app, kind)).catch(() => {
          throw new Problem(500, 'misconfigured', `A ${kind} secret of app ${app} no longer decrypts: its key was removed from TOKEN_KEYS. Rotate the secret.`);
        }),
      ),
    );
  const settings = {
    return_to: stored.return_to,
    webhook_url: stored.webhook_url,
    event_secrets: await open(stored.event_secrets, 'event'),
    action_secrets: await open(stored.action_secrets, 'action'),
  };
  const stale = [...(stored.event_secrets ?? []), ...(stored.action_secrets ?? [])].some((s) => keyIdOf(s) !== ring.currentId);
  if (stale) await writeSettings(env, app, settings);
  return settings;
}

/** Whether the app has settings at all (readSettings answers empty ones for an app that has none). */
export async function hasSettings(env: Env, app: string): Promise<boolean> {
  return (await env.APPS.get(key(app))) !== null;
}

export async function writeSettings(env: Env, app: string, settings: AppSettings): Promise<void> {
  const ring = await keyringFrom(configOf(env).tokenKeys);
  const seal = (list: string[], kind: 'event' | 'action') => Promise.all(list.map((s) => encrypt(ring, s, aad(app, kind))));
  const stored: StoredSettings = {
    return_to: settings.return_to,
    webhook_url: settings.webhook_url,
    event_secrets: await seal(settings.event_secrets, 'event'),
    action_secrets: await seal(settings.action_secrets, 'action'),
  };
  await env.APPS.put(key(app), JSON.stringify(stored));
}

/** A new Standard Webhooks secret: `whsec_` and 32 random bytes, base64. */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}
