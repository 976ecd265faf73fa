import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import committed from '../../client/openapi.json';
import { app } from '../../src/app';
import { BASE } from '../support/helpers';

interface Doc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { responses?: object; tags?: string[]; parameters?: { name: string; in: string }[] }>>;
}

const OWN_PAGES = new Set(['/', '/openapi.json', '/docs']);
/** The dashboard's page, sign-in, and the documented routes again behind its session (docs/dashboard.md). */
const isDashboard = (path: string) => path === '/dashboard' || path.startsWith('/dashboard/');

describe("the API's own OpenAPI document", () => {
  it('is OpenAPI 3.1 and lists exactly the routes the worker serves', async () => {
    const res = await SELF.fetch(`${BASE}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('crossfollow');
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    const served = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL' && !OWN_PAGES.has(r.path) && !isDashboard(r.path))
        .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`),
    );
    expect([...served].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.has(r))).toEqual([]);
    expect(served.size).toBeGreaterThan(20);
  });

  it('is the document the typed client is generated from (client/openapi.json; else run npm run client)', async () => {
    const served = await (await SELF.fetch(`${BASE}/openapi.json`)).json();
    expect(served).toEqual(committed);
  });

  it('declares every path parameter and answers for every operation', async () => {
    const doc = (await (await SELF.fetch(`${BASE}/openapi.json`)).json()) as Doc;
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared.sort(), `${method} ${path}`).toEqual([...names].sort());
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
        expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
  });

  it('serves an interactive reference page at /docs that reads /openapi.json', async () => {
    const res = await SELF.fetch(`${BASE}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('/openapi.json');
    expect(html).toContain('crossfollow API');
  });
});
