// The import graph of src/ (type-only imports included): its cycles, and who imports what.
// `node scripts/import-graph.mjs [dir]` prints every cycle (strongly connected set of files);
// test/e2e/architecture.test.ts holds the layering rules over the same graph.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Map of file (relative to `root`) → the src files it imports. */
export function importGraph(root) {
  const src = resolve(root, 'src');
  const files = filesUnder(src);
  const known = new Set(files);
  const graph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set();
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const base = resolve(dirname(file), fileName.replace(/\.js$/, ''));
      const hit = [`${base}.ts`, join(base, 'index.ts')].find((c) => known.has(c));
      if (hit) targets.add(relative(root, hit));
    }
    graph.set(relative(root, file), [...targets].sort());
  }
  return graph;
}

/** Tarjan's strongly connected components with more than one file: each is an import cycle. */
export function cycles(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const idx = new Map();
  const low = new Map();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const graph = importGraph(resolve(process.argv[2] ?? '.'));
  const found = cycles(graph);
  console.log(`${graph.size} files, ${found.length} import cycles`);
  for (const c of found) console.log(`- ${c.length} files: ${c.join(', ')}`);
}
