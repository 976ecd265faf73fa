import { readFileSync } from 'node:fs';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';

// client/openapi.json is the document the worker serves (test/contract/openapi.test.ts keeps
// them equal); here it is checked against the OpenAPI 3.1 structure itself.
const root = new URL('../..', import.meta.url).pathname;
const text = readFileSync(`${root}client/openapi.json`, 'utf8');

async function problems(source: string) {
  const config = await createConfig({
    rules: { struct: 'error', 'no-unresolved-refs': 'error', 'path-parameters-defined': 'error', 'operation-operationId-unique': 'error' },
  });
  const found = await lintFromString({ source, absoluteRef: 'openapi.json', config });
  return found.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`);
}

describe("crossfollow's OpenAPI document", () => {
  it('validates as OpenAPI 3.1 (Redocly: structure, references, path parameters)', async () => {
    expect(JSON.parse(text).openapi).toBe('3.1.0');
    expect(await problems(text)).toEqual([]);
  });

  it('and the same check refuses a broken document', async () => {
    const broken = JSON.parse(text);
    broken.paths['/v1/users/{user}/{provider}/follows'].get.responses = 'none';
    expect((await problems(JSON.stringify(broken))).join('\n')).toContain('struct');
  });
});
