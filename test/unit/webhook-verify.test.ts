import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifySignature } from '../../src/auth/webhook-signature';

// The Standard Webhooks specification's published test vector.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TS = 1614265330;
const BODY = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

const headers = (over: Record<string, string | undefined> = {}) => ({
  'webhook-id': ID,
  'webhook-timestamp': String(TS),
  'webhook-signature': SIGNATURE,
  ...over,
});
const at = (seconds: number) => vi.spyOn(Date, 'now').mockReturnValue(seconds * 1000);

afterEach(() => vi.restoreAllMocks());

describe('Standard Webhooks verification', () => {
  it('accepts the published vector', () => {
    at(TS);
    expect(verifySignature([SECRET], BODY, headers())).toEqual({ ok: true });
  });

  it('accepts several signatures in one header and several live secrets (rotation)', () => {
    at(TS);
    expect(verifySignature([SECRET], BODY, headers({ 'webhook-signature': `v1,AAAA${SIGNATURE.slice(7)} ${SIGNATURE}` })).ok).toBe(true);
    expect(verifySignature([`whsec_${btoa('another-secret-of-some-length!!')}`, SECRET], BODY, headers()).ok).toBe(true);
  });

  it('accepts ±300 s and refuses 1 s beyond, either way', () => {
    for (const [skew, ok] of [
      [300, true],
      [-300, true],
      [301, false],
      [-301, false],
    ] as const) {
      vi.restoreAllMocks();
      at(TS + skew);
      expect(verifySignature([SECRET], BODY, headers()).ok, `skew ${skew}`).toBe(ok);
    }
  });

  it('refuses each missing header, a non-numeric timestamp, a truncated signature, another body or secret', () => {
    at(TS);
    for (const missing of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      expect(verifySignature([SECRET], BODY, headers({ [missing]: undefined })).ok, missing).toBe(false);
    }
    expect(verifySignature([SECRET], BODY, headers({ 'webhook-timestamp': '16142653x0' })).ok).toBe(false);
    // A numeric prefix with junk parses (parseInt) to the right time: refused all the same.
    expect(verifySignature([SECRET], BODY, headers({ 'webhook-timestamp': `${TS}abc` }))).toEqual({
      ok: false,
      reason: 'webhook-timestamp must be whole seconds since the epoch',
    });
    expect(verifySignature([SECRET], BODY, headers({ 'webhook-signature': SIGNATURE.slice(0, -4) })).ok).toBe(false);
    expect(verifySignature([SECRET], '{"test": 2432232315}', headers()).ok).toBe(false);
    expect(verifySignature([], BODY, headers())).toEqual({ ok: false, reason: 'no signing secret is set for this app' });
  });
});
