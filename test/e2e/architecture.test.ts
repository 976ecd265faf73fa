import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript, shared with `node scripts/import-graph.mjs`
import { cycles, importGraph } from '../../scripts/import-graph.mjs';

/** The layering of docs/architecture.md, checked over the real import graph (type-only imports too). */
const graph: Map<string, string[]> = importGraph(resolve(__dirname, '../..'));
const importsOf = (prefix: string) =>
  [...graph].filter(([file]) => file.startsWith(prefix)).flatMap(([file, targets]) => targets.map((t) => [file, t] as const));
const offending = (from: string, forbidden: string[]) => importsOf(from).filter(([, to]) => forbidden.some((f) => to.startsWith(f)));

function closure(start: string): Set<string> {
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of graph.get(file) ?? []) walk(next);
  };
  walk(start);
  return seen;
}

describe('the code keeps its layers', () => {
  it('has no import cycle in src/', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('only the app assembly imports src/routes/', () => {
    const importers = [...graph]
      .filter(([file, targets]) => !file.startsWith('src/routes/') && targets.some((t) => t.startsWith('src/routes/')))
      .map(([file]) => file);
    expect(importers).toEqual(['src/app.ts']);
  });

  it('arrows point one way: operations never reach routes, providers never reach operations, net/ is a leaf', () => {
    expect(offending('src/operations/', ['src/routes/', 'src/app.ts'])).toEqual([]);
    expect(offending('src/providers/', ['src/routes/', 'src/operations/', 'src/app.ts'])).toEqual([]);
    expect(importsOf('src/net/').filter(([, to]) => !to.startsWith('src/net/'))).toEqual([]);
    expect(graph.get('src/providers/names.ts')).toEqual([]);
    expect(graph.get('src/env.ts')).toEqual(['src/queues/messages.ts']);
  });

  it('a Campaign decides and remembers, and calls no provider: campaigns/ never reaches operations, routes or providers', () => {
    const reached = offending('src/campaigns/', ['src/routes/', 'src/operations/', 'src/providers/', 'src/upstream/', 'src/app.ts']);
    // Provider names are a leaf every layer shares.
    expect(reached.filter(([, to]) => to !== 'src/providers/names.ts')).toEqual([]);
  });

  it('a deployment never loads the dev entry (demo seeding, the test Prefer pass-through)', () => {
    const deployed = closure('src/index.ts');
    expect([...deployed].filter((f) => f.startsWith('src/dev/'))).toEqual([]);
    expect(closure('src/dev/entry.ts').has('src/index.ts')).toBe(true);
  });

  it('every provider folder has its adapter and its OAuth description', () => {
    const folders = new Set([...graph.keys()].filter((f) => /^src\/providers\/[^/]+\//.test(f)).map((f) => f.split('/')[2]));
    expect([...folders].sort()).toEqual(['audius', 'spotify', 'x']);
    for (const name of folders) {
      expect(graph.has(`src/providers/${name}/index.ts`)).toBe(true);
      expect(graph.has(`src/providers/${name}/oauth.ts`)).toBe(true);
    }
  });
});
