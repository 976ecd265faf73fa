import { afterAll, expect } from 'vitest';
import { finalLeaks } from './secret-scan';

// Every test file ends with the secret scan: nothing the worker put out held a secret it knew.
afterAll(() => {
  expect(finalLeaks()).toEqual([]);
});
