import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossfollow } from '../../client';
import { followAndList } from '../../client/example';
import { launchChromium, visit } from './browser';
import { alive, groupAlive, portOpen, root, type Sandbox, startSandbox } from './sandbox-process';

let sandbox: Sandbox;
let PORT = 0;
let MOCKS_PORT = 0;
let api = '';
let persist = '';
let readyMs = 0;
const output = () => sandbox.output();

/**
 * Runs the first `sh` block after `heading` in a markdown file with bash, against this npm start.
 * Each curl also reports its status on stderr, so a pipe (`| tail -n 1`) still sees only the body.
 */
async function runShellBlock(file: string, heading: string) {
  const text = readFileSync(join(root, file), 'utf8');
  const block = text.slice(text.indexOf(heading)).match(/```sh\n([\s\S]*?)```/)![1]!;
  const script = `curl() { command curl -sS -w '%{stderr}STATUS %{http_code}\\n' "$@"; }\n${block}`;
  const run = spawn('bash', ['-c', script], { cwd: root, env: { ...process.env, PORT: String(PORT), MOCKS_PORT: String(MOCKS_PORT) } });
  let out = '';
  let err = '';
  run.stdout!.on('data', (d) => (out += d));
  run.stderr!.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
  expect(code, err).toBe(0);
  const statuses = [...err.matchAll(/STATUS (\d+)/g)].map((m) => Number(m[1]));
  expect(statuses.length, err).toBe((block.match(/(^|;|\$\()\s*curl /gm) ?? []).length);
  return { out, err, statuses };
}

beforeAll(async () => {
  sandbox = await startSandbox();
  ({ port: PORT, mocksPort: MOCKS_PORT, api, persist, readyMs } = sandbox);
});

afterAll(() => sandbox?.kill());

describe('npm start', () => {
  it('serves the API against the mocks in under a minute', async () => {
    expect(readyMs, output()).toBeLessThan(60_000);
    console.log(`npm start ready in ${readyMs} ms`);
  });

  it('has the demo user connected to Spotify, X and Audius, and follows 120 artists in one call (typed client)', async () => {
    const cf = crossfollow({ baseUrl: api, apiKey: 'demo-key' });
    const conns = await cf.GET('/v1/users/{user}/connections', { params: { path: { user: 'demo' } } });
    expect(conns.data!.connections.map((c) => `${c.provider} ${c.status}`)).toEqual(['spotify active', 'x active', 'audius active']);
    const ids = Array.from({ length: 120 }, (_, i) => `0TnOYISbd1XYRBk9my${String(i).padStart(4, '0')}`);
    const { data, response } = await cf.PUT('/v1/users/{user}/{provider}/follows', {
      params: { path: { user: 'demo', provider: 'spotify' } },
      body: { type: 'artist', ids },
    });
    expect(response.status).toBe(200);
    expect(data!.results.map((r) => r.id)).toEqual(ids);
    expect(data!.summary.done).toBe(120);
    const calls = (await (await fetch(`http://127.0.0.1:${MOCKS_PORT}/__mock/calls`)).json()) as { path: string; method: string }[];
    expect(calls.filter((c) => c.method === 'PUT' && c.path === '/me/following')).toHaveLength(3);
  });

  it('follows on X and Audius for the demo user, and reads the problem of a bad id (typed client)', async () => {
    const cf = crossfollow({ baseUrl: api, apiKey: 'demo-key' });
    for (const [provider, id] of [
      ['x', '783214'],
      ['audius', 'nlGNe'],
    ] as const) {
      const { response } = await cf.PUT('/v1/users/{user}/{provider}/follows', {
        params: { path: { user: 'demo', provider } },
        body: { type: 'user', ids: [id] },
      });
      expect(response.status, provider).toBe(200);
    }
    const bad = await cf.PUT('/v1/users/{user}/{provider}/follows', {
      params: { path: { user: 'demo', provider: 'x' } },
      body: { type: 'user', ids: ['12a'] },
    });
    expect(bad.response.status).toBe(422);
    expect(bad.error).toMatchObject({ type: 'urn:crossfollow:problem:validation-error', errors: [{ pointer: '/ids/0' }] });
  });

  it('publishes an OpenAPI document that Prism can load and serve', async () => {
    const doc = await (await fetch(`${api}/openapi.json`)).text();
    const file = join(persist, 'crossfollow-openapi.json');
    writeFileSync(file, doc);
    // @ts-expect-error plain JavaScript shared with npm start
    const { startPrismOnFreePort } = (await import('../../mocks/prism.mjs')) as unknown as {
      startPrismOnFreePort: (contract: string) => Promise<{ url: string; stop: () => void }>;
    };
    const prism = await startPrismOnFreePort(file);
    try {
      const res = await fetch(`${prism.url}/v1/users/demo/connections`, { headers: { authorization: 'Bearer x' } });
      expect(res.status).toBe(200);
    } finally {
      prism.stop();
    }
  });

  it("runs the README's TypeScript example (client/example.ts, shown there verbatim) against it", async () => {
    const example = readFileSync(join(root, 'client/example.ts'), 'utf8');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(`\`\`\`ts\n${example}\`\`\``);
    const result = await followAndList(api, 'demo-key', 'demo');
    expect(result.done).toBe(120);
    expect(result.firstPage.length).toBeGreaterThan(0);
    expect(result.firstPage.every((name) => typeof name === 'string' && name.length > 0)).toBe(true);
  });

  it('serves /docs under a same-origin CSP: in headless Chromium it loads with no errors and no request elsewhere, and lists every follows and library operation', async () => {
    const doc = (await (await fetch(`${api}/openapi.json`)).json()) as { paths: Record<string, Record<string, { summary?: string }>> };
    const summaries = Object.entries(doc.paths)
      .filter(([path]) => /\/(follows|followers|library)/.test(path))
      .flatMap(([, ops]) => Object.values(ops).map((op) => op.summary!));
    expect(summaries.length).toBe(9);
    const policy = (await fetch(`${api}/docs`)).headers.get('content-security-policy');
    expect(policy).toContain("default-src 'self'");
    expect(policy).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'/);
    mkdirSync(join(root, 'reports'), { recursive: true });
    const browser = await launchChromium();
    try {
      // The document's description is in the page body, rendered after the sidebar.
      const page = await visit(browser, `${api}/docs`, 'Follow, unfollow, check and list follows', join(root, 'reports/docs-page.png'));
      expect(page.problems).toEqual([]);
      expect(page.offOrigin).toEqual([]);
      for (const summary of summaries) expect(page.text, summary).toContain(summary);
    } finally {
      await browser.close();
    }
  });

  it("delivers the demo app's events to the mocks' receiver, and prints each in its output", async () => {
    const res = await fetch(`${api}/v1/users/e2e-events/connections/spotify`, {
      method: 'PUT',
      headers: { authorization: 'Bearer demo-key', 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: 'e2e-access', refresh_token: 'e2e-refresh' }),
    });
    expect(res.status).toBe(201);
    type Delivery = { headers: Record<string, string>; body: string; answered: number };
    let mine: Delivery | undefined;
    for (let i = 0; i < 60 && !mine; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const got = (await (await fetch(`http://127.0.0.1:${MOCKS_PORT + 4}/__receiver/demo-app`)).json()) as Delivery[];
      mine = got.find((d) => (JSON.parse(d.body) as { data: { user?: string } }).data.user === 'e2e-events');
    }
    expect(mine, output()).toBeDefined();
    expect(JSON.parse(mine!.body)).toMatchObject({ type: 'connection.created', data: { provider: 'spotify', via: 'import' } });
    // The receiver prints as it answers; the line reaches npm start's output a moment later.
    const line = `[mocks] event connection.created ${mine!.headers['webhook-id']} → /events/demo-app 204`;
    for (let i = 0; i < 40 && !output().includes(line); i++) await new Promise((r) => setTimeout(r, 250));
    expect(output()).toContain(line);
  });

  it("runs the README's Try it block as written: every command succeeds, what is unfollowed is gone, every list ends", async () => {
    const { out, err, statuses } = await runShellBlock('README.md', '## Try it');
    expect(
      statuses.every((s) => [200, 201, 204].includes(s)),
      err,
    ).toBe(true);
    expect(out).toContain(
      '[{"id":"0TnOYISbd1XYRBk9myaseg","status":"done","following":true},{"id":"2CIMQHirSU0MQqyYHq0eOx","status":"done","following":false}]',
    );
    expect(out).toMatch(/\{"done":true,"count":121,"next_cursor":null\}/);
    expect(out).toContain('"id":"382ObEPsp2rxGrnsizN5TX"');
    expect(out).toContain('"status":"pending"');
  });

  it("runs docs/sandbox.md's longer tour as written: every command answers 200", async () => {
    const { err, statuses } = await runShellBlock('docs/sandbox.md', '## A longer tour');
    expect(
      statuses.every((s) => s === 200),
      err,
    ).toBe(true);
  });

  it('lets the operator create a key with the local ADMIN_TOKEN', async () => {
    const res = await fetch(`${api}/admin/apps`, {
      method: 'POST',
      headers: { authorization: 'Bearer local-admin-token', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'e2e' }),
    });
    expect(res.status).toBe(201);
  });

  it("runs the README's campaign block as written: the demo fans join, one who is not connected is refused, the campaign completes", async () => {
    const { out, err, statuses } = await runShellBlock('README.md', '## Release day: a campaign');
    expect(statuses, err).toEqual([201, 200, 409, 200, 200]);
    expect(out).toContain('"status":"completed"');
    expect(out).toMatch(/"counts":\{[^}]*"done":20/);
    expect(out).toContain('urn:crossfollow:problem:fan-not-connected');
  }, 60_000);

  it("runs docs/campaigns.md's step-by-step block as written: join, refuse, complete, leave, cancel, a release that waits", async () => {
    const { out, err, statuses } = await runShellBlock('docs/campaigns.md', '## A campaign, step by step');
    expect(statuses, err).toEqual([201, 201, 200, 200, 200, 200, 409, 200, 200, 201, 201, 204, 200, 201]);
    expect(out).toContain('"status":"completed"');
    expect(out).toContain('"status":"cancelled"');
    expect(out).toContain('"refused":[{"user":"nobody-yet"');
  }, 60_000);

  it('runs a campaign for 200 fans 25 s ahead: no call before its time, then every fan done, the UPC searched once, every call within the contract', async () => {
    const headers = { authorization: 'Bearer demo-key', 'content-type': 'application/json' };
    const send = (method: string, path: string, body?: unknown) =>
      fetch(`${api}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const run = Math.random().toString(36).slice(2, 8);
    const users = Array.from({ length: 200 }, (_, i) => `e2e-${run}-${i}`);
    const tokenOf = (user: string) => `e2e-access.${user}`;
    for (let i = 0; i < users.length; i += 20) {
      await Promise.all(
        users.slice(i, i + 20).map(async (user) => {
          const res = await send('PUT', `/v1/users/${user}/connections/spotify`, {
            access_token: tokenOf(user),
            refresh_token: `e2e-refresh.${user}`,
            expires_in: 3600,
          });
          expect(res.status).toBe(201);
        }),
      );
    }
    const at = Date.now() + 25_000;
    const created = await send('POST', '/v1/campaigns', {
      name: 'Release in 25 s',
      actions: [{ provider: 'spotify', op: 'save', type: 'album', upc: '00602445798029' }],
      run: { mode: 'at', at: new Date(at).toISOString() },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const joined = (await (await send('POST', `/v1/campaigns/${id}/fans`, { fans: users.map((user) => ({ user })) })).json()) as { joined: string[] };
    expect(joined.joined).toHaveLength(200);
    const refused = await fetch(`${api}/v1/campaigns/${id}/fans/e2e-${run}-nobody`, { method: 'PUT', headers: { authorization: 'Bearer demo-key' } });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { type: string }).type).toBe('urn:crossfollow:problem:fan-not-connected');
    const mine = new Set(users.map((u) => `Bearer ${tokenOf(u)}`));
    const calls = async () =>
      (
        (await (await fetch(`http://127.0.0.1:${MOCKS_PORT}/__mock/calls`)).json()) as {
          authorization: string | null;
          path: string;
          startedAt: number;
          violations: unknown[];
        }[]
      ).filter((c) => mine.has(c.authorization ?? ''));
    while (Date.now() < at - 2000) await new Promise((r) => setTimeout(r, 500));
    expect(await calls()).toEqual([]);
    let view = { status: '', counts: { done: 0 } as Record<string, number> };
    for (let i = 0; i < 120 && view.status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      view = (await (await send('GET', `/v1/campaigns/${id}`)).json()) as typeof view;
    }
    expect(view).toMatchObject({ status: 'completed', counts: { fans: 200, done: 200, failed: 0 } });
    const made = await calls();
    expect(made.filter((c) => c.path === '/search')).toHaveLength(1);
    expect(made).toHaveLength(201);
    expect(Math.min(...made.map((c) => c.startedAt))).toBeGreaterThanOrEqual(at);
    expect(made.flatMap((c) => c.violations)).toEqual([]);
  }, 180_000);

  // Last before Ctrl-C: a penalty pauses the sandbox's Spotify credential for every user for 2 minutes.
  it("runs docs/rate-limits.md's sandbox block as written: a Spotify penalty defers the demo user's follow too, with no call", async () => {
    const before = ((await (await fetch(`http://127.0.0.1:${MOCKS_PORT}/__mock/calls`)).json()) as unknown[]).length;
    const { out, err, statuses } = await runShellBlock('docs/rate-limits.md', '## In the sandbox');
    expect(
      statuses.every((s) => [200, 201].includes(s)),
      err,
    ).toBe(true);
    // Each curl prints one JSON body, with no newline between them.
    const bodies = out.replace(/\}\{/g, '}\n{').trim().split('\n');
    const [, penalty, demo] = bodies.map((l) => JSON.parse(l) as { results: { status: string; reason?: string }[] });
    expect(penalty!.results[0]).toMatchObject({ status: 'deferred', reason: 'rate-limited' });
    expect(demo!.results[0]).toMatchObject({ status: 'deferred', reason: 'rate-limited' });
    // One call met the penalty; the demo user's follow made none.
    expect(((await (await fetch(`http://127.0.0.1:${MOCKS_PORT}/__mock/calls`)).json()) as unknown[]).length - before).toBe(1);
  });

  it("runs docs/rate-limits.md's resume block as written: the pause ends and the demo user's next follow goes out", async () => {
    const { err, statuses } = await runShellBlock('docs/rate-limits.md', 'To lift a pause now');
    expect(statuses, err).toEqual([200, 200]);
    const res = await fetch(`${api}/v1/users/demo/spotify/follows`, {
      method: 'PUT',
      headers: { authorization: 'Bearer demo-key', 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'artist', ids: ['3TVXtAsR1Inumwj472S9r4'] }),
    });
    expect(((await res.json()) as { results: { status: string }[] }).results[0]!.status).toBe('done');
  });

  it('stops every process it started on Ctrl-C', async () => {
    const prismPids = [...output().matchAll(/prism pid (\d+)/g)].map((m) => Number(m[1]));
    expect(prismPids, output()).toHaveLength(4);
    expect(prismPids.every(alive)).toBe(true);
    process.kill(-sandbox.child.pid!, 'SIGINT');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (groupAlive(sandbox.child.pid!) || (await portOpen(PORT)) || (await portOpen(MOCKS_PORT)))) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(groupAlive(sandbox.child.pid!), output()).toBe(false);
    for (const pid of prismPids) {
      while (Date.now() < deadline && alive(pid)) await new Promise((r) => setTimeout(r, 200));
      expect(alive(pid), `prism ${pid}`).toBe(false);
    }
    expect(await portOpen(PORT)).toBe(false);
    expect(await portOpen(MOCKS_PORT)).toBe(false);
    for (const offset of [1, 2, 3, 4]) expect(await portOpen(MOCKS_PORT + offset)).toBe(false);
  });
});
