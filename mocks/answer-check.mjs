// The world's answers held to the contract: Prism checks each request, and this checks each answer
// the world gives instead of Prism's, with Ajv against the response schema of the operation and
// status in openapi/<contract>. What it finds joins Prism's findings in the call log
// (`violations`, location `response`), so every test that expects none also checks the world.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const root = new URL('../openapi/', import.meta.url);

/** Inlines the document's own `#/…` references (the contracts have no cycles). */
function inline(node, doc, depth = 0) {
  if (depth > 40) throw new Error('reference depth: a cycle in the contract?');
  if (Array.isArray(node)) return node.map((n) => inline(n, doc, depth + 1));
  if (!node || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
    const target = node.$ref
      .slice(2)
      .split('/')
      .reduce((at, key) => at?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    return inline(target, doc, depth + 1);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v, doc, depth + 1)]));
}

/** A checker for one contract file: `(method, path, status, json) → violations`. */
export function answerChecker(contract) {
  const doc = parse(readFileSync(new URL(contract, root), 'utf8'), { maxAliasCount: -1 });
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // Literal paths before templated ones, so `/users/handle/{handle}` is not taken for `/users/{id}/…`.
  const routes = Object.entries(doc.paths)
    .map(([template, ops]) => ({
      template,
      ops,
      holes: (template.match(/\{/g) ?? []).length,
      regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }))
    .sort((a, b) => a.holes - b.holes);
  const compiled = new Map();
  return (method, path, status, json) => {
    const route = routes.find((r) => r.regex.test(path) && r.ops[method.toLowerCase()]);
    const response = route && inline(route.ops[method.toLowerCase()].responses?.[String(status)], doc);
    if (!response) return [{ location: ['response', 'status'], severity: 'Error', message: `the contract has no ${status} for ${method} ${path}` }];
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return json === undefined ? [] : [{ location: ['response', 'body'], severity: 'Error', message: `the contract's ${status} has no JSON body` }];
    const key = `${method} ${route.template} ${status}`;
    if (!compiled.has(key)) compiled.set(key, ajv.compile(schema));
    const validate = compiled.get(key);
    if (validate(json)) return [];
    return validate.errors.map((e) => ({
      location: ['response', 'body', ...e.instancePath.split('/').filter(Boolean)],
      severity: 'Error',
      message: `${e.instancePath || '/'} ${e.message}`,
    }));
  };
}
