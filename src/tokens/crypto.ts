/**
 * Token encryption at rest: AES-256-GCM, a fresh 96-bit IV per message, and the connection's
 * `app|user|provider` as additional data, so a ciphertext copied to another connection fails
 * to decrypt. The key id travels in the ciphertext so keys can rotate: the first key of the
 * `TOKEN_KEYS` secret encrypts, every listed key decrypts.
 *
 * Format: `v1.<kid>.<base64url iv>.<base64url ciphertext+tag>`
 */
export interface Keyring {
  currentId: string;
  keys: Map<string, CryptoKey>;
}

export class KeyringError extends Error {}
export class DecryptError extends Error {}

const rings = new Map<string, Promise<Keyring>>();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The keyring, or why there is none, as data: a KeyringError thrown in a Durable Object would
 * reach the worker over RPC as a plain Error.
 */
export async function keyringOrDetail(secret: string | undefined): Promise<{ ok: true; ring: Keyring } | { ok: false; detail: string }> {
  try {
    return { ok: true, ring: await keyringFrom(secret) };
  } catch (err) {
    if (err instanceof KeyringError) return { ok: false, detail: err.message };
    throw err;
  }
}

/** Parses `kid:base64key[,kid:base64key...]`; cached per secret value for the isolate's life. */
export function keyringFrom(secret: string | undefined): Promise<Keyring> {
  if (!secret) return Promise.reject(new KeyringError('TOKEN_KEYS is not set: run `wrangler secret put TOKEN_KEYS` (see README, Deployment).'));
  let ring = rings.get(secret);
  if (!ring) {
    ring = importKeyring(secret);
    ring.catch(() => rings.delete(secret));
    rings.set(secret, ring);
  }
  return ring;
}

async function importKeyring(secret: string): Promise<Keyring> {
  const keys = new Map<string, CryptoKey>();
  let currentId = '';
  for (const part of secret
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [kid, b64] = part.split(':');
    if (!kid || !b64 || !/^[A-Za-z0-9_-]{1,16}$/.test(kid))
      throw new KeyringError('TOKEN_KEYS entries must look like kid:base64key (kid: 1-16 letters, digits, _ or -).');
    const raw = fromBase64(b64);
    if (raw.byteLength !== 32) throw new KeyringError(`TOKEN_KEYS key ${kid} must be 32 bytes (base64 of 32 random bytes).`);
    keys.set(kid, await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']));
    currentId ||= kid;
  }
  if (!currentId) throw new KeyringError('TOKEN_KEYS holds no key.');
  return { currentId, keys };
}

export async function encrypt(ring: Keyring, plaintext: string, aad: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = ring.keys.get(ring.currentId);
  if (!key) throw new KeyringError('TOKEN_KEYS has no key to encrypt with.');
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(aad) }, key, encoder.encode(plaintext));
  return `v1.${ring.currentId}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ct))}`;
}

export async function decrypt(ring: Keyring, blob: string, aad: string): Promise<string> {
  const [version, kid, ivText, ctText] = blob.split('.');
  if (version !== 'v1' || !kid || !ivText || !ctText) throw new DecryptError('not a crossfollow ciphertext');
  const key = ring.keys.get(kid);
  if (!key) throw new DecryptError(`key ${kid} is no longer in TOKEN_KEYS`);
  try {
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64Url(ivText), additionalData: encoder.encode(aad) }, key, fromBase64Url(ctText));
    return decoder.decode(pt);
  } catch {
    throw new DecryptError('ciphertext or its additional data was altered');
  }
}

/** The key id a ciphertext was made with, so callers can re-encrypt under the current key. */
export function keyIdOf(blob: string): string | undefined {
  return blob.split('.')[1];
}

function fromBase64(b64: string): Uint8Array {
  try {
    return Uint8Array.from(atob(b64.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));
  } catch {
    throw new KeyringError('TOKEN_KEYS holds a key that is not base64.');
  }
}

function fromBase64Url(text: string): Uint8Array {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
