import { describe, expect, it } from 'vitest';
import { byToken, call, connect, mockCalls, newApp, storedState } from '../support/helpers';

/**
 * The bad-id rows of docs/reliability.md for X and Audius: every look-alike, invisible or
 * out-of-alphabet id is refused with a 422 that points at it, before any call to the provider,
 * with nothing stored changed (tokens, budgets, cache).
 */
const CASES = {
  x: {
    good: '2244994945',
    bad: [
      ['Arabic-Indic digits', '٢٢٤٤٩٩٤٩٤٥'],
      ['fullwidth digits', '２２４４９９４９４５'],
      ['a zero-width space', '2244\u200b994945'],
      ['a right-to-left override', '\u202e2244994945'],
      ['a lone surrogate', '2244994945\ud800'],
      ['a leading zero', '02244994945'],
      ['20 digits', '1'.repeat(20)],
      ['a handle with a Cyrillic look-alike', '@elonmusk'.replace('o', 'о')],
      ['a handle of 16 characters', `@${'a'.repeat(16)}`],
      ['an encoded slash', '2244%2F994945'],
      ['path traversal', '../2/users/me'],
    ],
    operations: [
      ['PUT', 'follows', { type: 'user' }],
      ['DELETE', 'follows', { type: 'user' }],
      ['POST', 'follows/contains', { type: 'user' }],
    ],
  },
  audius: {
    good: 'nlGNe',
    bad: [
      ['17 characters', 'a'.repeat(17)],
      ['a Cyrillic look-alike', 'nlGNе'],
      ['a zero-width joiner', 'nl\u200dGNe'],
      ['a right-to-left override', 'nlG\u202eNe'],
      ['a lone surrogate', '\udc00nlGNe'],
      ['an underscore', 'nl_GNe'],
      ['an encoded slash', 'nl%2FGNe'],
      ['path traversal', '../users'],
    ],
    operations: [
      ['PUT', 'follows', { type: 'user' }],
      ['POST', 'follows/contains', { type: 'user' }],
      ['PUT', 'library', { type: 'track' }],
      ['DELETE', 'library', { type: 'playlist' }],
      ['POST', 'library/contains', { type: 'album' }],
    ],
  },
} as const;

for (const [provider, { good, bad, operations }] of Object.entries(CASES) as [keyof typeof CASES, (typeof CASES)[keyof typeof CASES]][]) {
  describe(`bad ${provider} ids`, () => {
    for (const [name, id] of bad) {
      it(`refuses ${name}: 422 at /ids/1 for every operation, no call, nothing stored changed`, async () => {
        const { key, app } = await newApp();
        const token = await connect(key, 'u', { provider_user_id: provider === 'x' ? '1001' : 'AbCd1' }, provider);
        const before = await storedState(app, 'u', provider);
        for (const [method, path, body] of operations) {
          const res = await call(key, method, `/v1/users/u/${provider}/${path}`, { ...body, ids: [good, id] });
          expect(res.status, `${method} ${path}`).toBe(422);
          const problem = (await res.json()) as { type: string; errors: { pointer: string }[] };
          expect(problem.type).toBe('urn:crossfollow:problem:validation-error');
          expect(problem.errors.map((e) => e.pointer)).toEqual(['/ids/1']);
        }
        expect(await mockCalls(provider === 'x' ? 'x-api' : 'audius-api', byToken(token))).toHaveLength(0);
        expect(await storedState(app, 'u', provider)).toBe(before);
      });
    }
  });
}
