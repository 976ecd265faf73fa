import { describe, expect, it } from 'vitest';
import { call, connect, newApp, unique } from '../support/helpers';
import { finalLeaks, inspect, learn, learnFields, learnForm, scanState } from '../support/secret-scan';

describe('the secret scan over every test run', () => {
  it('watches the worker the tests call, and learns the tokens it is given', async () => {
    const before = scanState().responses;
    const { key } = await newApp();
    const token = await connect(key, 'scan', { access_token: unique('at-scan'), refresh_token: unique('rt-scan') });
    const status = await call(key, 'GET', '/v1/users/scan/connections');
    expect(status.status).toBe(200);
    expect(scanState().responses).toBeGreaterThanOrEqual(before + 2);
    expect(scanState().secrets.has(token)).toBe(true);
    expect(scanState().secrets.has(key)).toBe(true);
  });

  it('reports a secret in any output, also one learned after the output was written', () => {
    const state = scanState();
    const secret = unique('planted-secret');
    inspect('planted output', `a log line holding ${secret}`);
    learn(secret);
    inspect('planted log line', `again: ${secret}`);
    const found = finalLeaks().filter((l) => l.where.startsWith('planted'));
    expect(found.map((l) => l.where).sort()).toEqual(['planted log line', 'planted output']);
    // Planted on purpose: take them back so this file's own scan judges only the worker.
    state.leaks = state.leaks.filter((l) => !l.where.startsWith('planted'));
  });

  it('finds a secret URL-encoded, and learns OAuth codes from forms and callbacks but not error codes from JSON', () => {
    const state = scanState();
    const key = `k9:${unique('Ab+/')}==`;
    learn(key);
    const code = unique('oauth-code');
    learnForm(new URLSearchParams({ code, state: 'st' }));
    const errorCode = unique('invalid_request');
    learnFields(JSON.stringify({ error: { code: errorCode } }));
    expect(state.secrets.has(code)).toBe(true);
    expect(state.secrets.has(errorCode)).toBe(false);
    inspect('planted redirect', `location: https://app.example/back?key=${encodeURIComponent(key)}`);
    const found = finalLeaks().filter((l) => l.where.startsWith('planted'));
    expect(found.map((l) => l.where)).toEqual(['planted redirect']);
    state.leaks = state.leaks.filter((l) => !l.where.startsWith('planted'));
  });
});
