import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript shared with scripts/contracts-check.mjs
import { compareContracts } from '../../scripts/contracts/compare.mjs';

const reference = {
  paths: {
    '/me/following': {
      put: {
        operationId: 'follow',
        parameters: [
          { name: 'type', in: 'query', required: true, schema: { type: 'string', enum: ['artist', 'user'] } },
          { name: 'ids', in: 'query', required: true, description: 'A maximum of 50 IDs.', schema: { type: 'string' } },
        ],
        responses: { '204': {} },
        security: [{ oauth: ['user-follow-modify'] }],
      },
    },
  },
};

const clone = () => structuredClone(reference) as typeof reference;

describe('contracts:check comparison', () => {
  it('accepts a contract that agrees with the reference', () => {
    const ours = clone();
    ours.paths['/me/following'].put.parameters[1]!.schema = { type: 'string', pattern: '^[^,]+(,[^,]+){0,49}$' } as never;
    expect(compareContracts(ours, reference).mismatches).toEqual([]);
  });

  it('flags a wrong path, a renamed parameter, a different limit and an enum outside the reference', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the test edits raw OpenAPI JSON in place
    const ours = clone() as { paths: Record<string, any> };
    ours.paths['/me/follows'] = ours.paths['/me/following'];
    const put = structuredClone(ours.paths['/me/following'].put);
    put.parameters[1] = { name: 'ids', in: 'query', required: true, schema: { type: 'string', pattern: '^[^,]+(,[^,]+){0,99}$' } };
    put.parameters[0].schema.enum = ['artist', 'show'];
    ours.paths['/me/following'] = { put };
    ours.paths['/me/follows'].put.parameters = [{ name: 'type', in: 'query', required: true, schema: { type: 'string' } }];
    const { mismatches } = compareContracts(ours, reference);
    expect(mismatches).toContainEqual(expect.stringContaining('PUT /me/follows: not in the reference'));
    expect(mismatches).toContainEqual(expect.stringContaining('allows 100 items, reference 50'));
    expect(mismatches).toContainEqual(expect.stringContaining('enum [artist,show] not within reference'));
  });

  it('flags a missing required parameter and a different success status', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the test edits raw OpenAPI JSON in place
    const ours = clone() as { paths: Record<string, any> };
    ours.paths['/me/following'].put.parameters.pop();
    ours.paths['/me/following'].put.responses = { '200': {} };
    const { mismatches } = compareContracts(ours, reference);
    expect(mismatches).toContainEqual(expect.stringContaining('required parameter query:ids missing'));
    expect(mismatches).toContainEqual(expect.stringContaining('success status 200 ≠ reference 204'));
  });
});
