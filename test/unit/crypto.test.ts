import { describe, expect, it } from 'vitest';
import { DecryptError, decrypt, encrypt, KeyringError, keyIdOf, keyringFrom } from '../../src/tokens/crypto';

const key = (byte: number) => btoa(String.fromCharCode(...new Uint8Array(32).fill(byte)));
const AAD = 'app-1|ana|spotify';

describe('token encryption', () => {
  it('round-trips a token and never stores it in clear', async () => {
    const ring = await keyringFrom(`k1:${key(1)}`);
    const blob = await encrypt(ring, 'BQD-secret-token', AAD);
    expect(blob).toMatch(/^v1\.k1\.[\w-]{16}\.[\w-]+$/);
    expect(blob).not.toContain('BQD-secret-token');
    expect(await decrypt(ring, blob, AAD)).toBe('BQD-secret-token');
  });

  it('uses a fresh IV each time', async () => {
    const ring = await keyringFrom(`k1:${key(1)}`);
    const [a, b] = await Promise.all([encrypt(ring, 'same', AAD), encrypt(ring, 'same', AAD)]);
    expect(a).not.toBe(b);
  });

  it('rejects a ciphertext used for another connection (wrong additional data)', async () => {
    const ring = await keyringFrom(`k1:${key(1)}`);
    const blob = await encrypt(ring, 'token', AAD);
    await expect(decrypt(ring, blob, 'app-2|ana|spotify')).rejects.toBeInstanceOf(DecryptError);
  });

  it('rejects a tampered ciphertext', async () => {
    const ring = await keyringFrom(`k1:${key(1)}`);
    const blob = await encrypt(ring, 'token', AAD);
    const last = blob.at(-2) === 'A' ? 'B' : 'A';
    const tampered = blob.slice(0, -2) + last + blob.at(-1);
    await expect(decrypt(ring, tampered, AAD)).rejects.toBeInstanceOf(DecryptError);
    await expect(decrypt(ring, 'garbage', AAD)).rejects.toBeInstanceOf(DecryptError);
  });

  it('encrypts with the first key and still decrypts with older ones (rotation)', async () => {
    const old = await keyringFrom(`k1:${key(1)}`);
    const blob = await encrypt(old, 'token', AAD);
    const rotated = await keyringFrom(`k2:${key(2)},k1:${key(1)}`);
    expect(await decrypt(rotated, blob, AAD)).toBe('token');
    expect(keyIdOf(await encrypt(rotated, 'token', AAD))).toBe('k2');
    const removed = await keyringFrom(`k2:${key(2)}`);
    await expect(decrypt(removed, blob, AAD)).rejects.toThrow(/no longer in TOKEN_KEYS/);
  });

  it('refuses a missing or malformed TOKEN_KEYS with a message that says what to fix', async () => {
    await expect(keyringFrom(undefined)).rejects.toThrow(/wrangler secret put TOKEN_KEYS/);
    await expect(keyringFrom('k1:c2hvcnQ=')).rejects.toBeInstanceOf(KeyringError);
    await expect(keyringFrom('no-colon')).rejects.toBeInstanceOf(KeyringError);
  });
});
