/**
 * RFC 9457 problem details. Every 4xx/5xx crossfollow sends is one of these, with a stable
 * `type` URI users can switch on; docs/problems.md lists them all.
 */
export const PROBLEM_TYPE_PREFIX = 'urn:crossfollow:problem:';

const TITLES = {
  'validation-error': 'The request is not valid',
  'malformed-json': 'The body is not valid JSON',
  'unsupported-media-type': 'The body must be application/json',
  'payload-too-large': 'The body is too large',
  unauthorized: 'A valid API key is required',
  'not-found': 'No such resource',
  forbidden: 'This session may not do that',
  'not-connected': 'The user has not connected this provider',
  'target-not-found': 'The provider has no such user or item',
  'invalid-state': 'The OAuth callback does not match a connect this app started',
  'invalid-signature': 'The webhook signature does not verify',
  'unsupported-operation': 'The provider cannot do this operation',
  'reauth-required': 'The user must connect this provider again',
  'upstream-error': 'The provider refused part of the request',
  'upstream-unavailable': 'The provider is unavailable or rate limiting; retry later',
  'time-budget-exceeded': 'The request ran out of time before every item was sent; retry the deferred ones',
  'quota-exceeded': "The provider app's quota is used up; every user waits until it resets",
  'cursor-stuck': 'The provider handed back paging that does not move; the list ends there',
  'release-not-found': 'The provider does not know this UPC or ISRC (yet)',
  'fan-not-connected': 'The fan must connect every provider the campaign uses first',
  'fan-already-ran': "The fan's actions already ran",
  'campaign-closed': 'The campaign is cancelled',
  'campaign-full': 'The campaign has as many fans as it may',
  'idempotency-key-reused': 'The Idempotency-Key belongs to another request',
  'idempotency-in-flight': 'The first request with this Idempotency-Key is still running',
  misconfigured: 'The worker is missing configuration',
  'internal-error': 'Something went wrong inside crossfollow',
} as const;

export type ProblemSlug = keyof typeof TITLES;

/** One invalid input: `pointer` is a JSON Pointer into the body, `parameter` a query or path name. */
export interface FieldError {
  pointer?: string;
  parameter?: string;
  detail: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: ProblemSlug,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  /** Rebuilds a Problem from a body made elsewhere (an item's problem that fails a whole request). */
  static fromBody(body: ProblemBody, retryAfter?: number): Problem {
    const { type, title: _title, status, detail, ...extensions } = body;
    const slug = type.slice(PROBLEM_TYPE_PREFIX.length) as ProblemSlug;
    // A 503 always says when to come back: the provider's hint, else 5 s.
    const after = retryAfter ?? (typeof body.retry_after === 'number' ? body.retry_after : status === 503 ? 5 : undefined);
    const headers: Record<string, string> = after !== undefined ? { 'retry-after': String(after) } : {};
    return new Problem(status, slug in TITLES ? slug : 'internal-error', detail, extensions, headers);
  }

  body(): ProblemBody {
    return problemBody(this.status, this.slug, this.detail, this.extensions);
  }

  toResponse(): Response {
    return new Response(JSON.stringify(this.body()), {
      status: this.status,
      headers: { 'content-type': 'application/problem+json', ...this.headers },
    });
  }
}

export function problemBody(status: number, slug: ProblemSlug, detail: string, extensions: Record<string, unknown> = {}): ProblemBody {
  const { type: _t, title: _ti, status: _s, detail: _d, ...rest } = extensions;
  // Extensions follow, and never replace, the members RFC 9457 defines.
  return { type: PROBLEM_TYPE_PREFIX + slug, title: TITLES[slug], status, detail, ...rest };
}

export function validationProblem(errors: FieldError[]): Problem {
  const first = errors[0];
  const where = first?.pointer ?? (first?.parameter ? `parameter ${first.parameter}` : 'the request');
  const said = `${where}: ${first?.detail ?? 'invalid'}`;
  const detail = errors.length === 1 ? said : `${errors.length} fields are invalid; the first, ${said}`;
  return new Problem(422, 'validation-error', detail, { errors });
}
