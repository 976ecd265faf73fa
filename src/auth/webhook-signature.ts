import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export type Verified = { ok: true } | { ok: false; reason: string };

/**
 * Standard Webhooks verification of the raw body against every live secret of the app (so a
 * rotation never breaks a sender), with the library's ±5 minute timestamp tolerance. The library
 * does the HMAC-SHA256 and the constant-time comparison of every `v1,` signature in the header.
 */
export function verifySignature(secrets: string[], raw: string, headers: Record<string, string | undefined>): Verified {
  const h = {
    'webhook-id': headers['webhook-id'] ?? '',
    'webhook-timestamp': headers['webhook-timestamp'] ?? '',
    'webhook-signature': headers['webhook-signature'] ?? '',
  };
  if (!h['webhook-id'] || !h['webhook-timestamp'] || !h['webhook-signature'])
    return { ok: false, reason: 'webhook-id, webhook-timestamp and webhook-signature are all required' };
  // The library parses the timestamp leniently (parseInt); the specification says integer seconds.
  if (!/^\d{1,12}$/.test(h['webhook-timestamp'])) return { ok: false, reason: 'webhook-timestamp must be whole seconds since the epoch' };
  let reason = 'no signing secret is set for this app';
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(raw, h, { jsonParse: false });
      return { ok: true };
    } catch (err) {
      reason = err instanceof WebhookVerificationError ? err.message : 'the signature could not be checked';
    }
  }
  return { ok: false, reason };
}
