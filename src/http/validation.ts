import type { Context } from 'hono';
import type { ZodError } from 'zod';
import { type FieldError, Problem, validationProblem } from './problem';

/** JSON Pointer (RFC 6901) of a zod issue path. */
export function toPointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

export function zodFieldErrors(error: ZodError, target: string): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    // An unknown field is reported at the field itself, not at the object holding it.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) =>
        target === 'json' ? { pointer: toPointer([...issue.path, key]), detail: 'unknown field' } : { parameter: key, detail: 'unknown parameter' },
      );
    }
    if (target === 'json') return [{ pointer: toPointer(issue.path), detail: issue.message }];
    return [{ parameter: String(issue.path[0] ?? target), detail: issue.message }];
  });
}

/**
 * The default hook of every OpenAPI route: a failed zod parse becomes a 422 problem with
 * one pointer per bad field, before the handler (and so before any upstream call) runs.
 */
export function problemOnInvalid(result: { success: boolean; error?: ZodError; target: string }, _c: Context): void {
  if (!result.success && result.error) throw validationProblem(zodFieldErrors(result.error, result.target));
}

/** Bodies must be JSON: anything else is a 415, not a confusing "ids is required". */
export async function requireJson(c: Context, next: () => Promise<void>): Promise<void> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\s*(;|$)/i.test(type)) {
    throw new Problem(
      415,
      'unsupported-media-type',
      `Send the body as JSON with content-type: application/json (got ${type ? `'${type.slice(0, 60)}'` : 'none'}).`,
      {},
      { accept: 'application/json' },
    );
  }
  await next();
}
