import { z } from '@hono/zod-openapi';
import { PROVIDERS } from '../providers/names';

/** User ids are the app's own names for its users; a safe alphabet keeps them usable in keys and paths. */
export const UserId = z
  .string()
  .regex(/^[A-Za-z0-9._~-]{1,128}$/, 'a user id is 1-128 letters, digits, ".", "_", "~" or "-"')
  .openapi({ param: { name: 'user', in: 'path' }, example: 'demo' });

export const ProviderParam = z.enum(PROVIDERS).openapi({ param: { name: 'provider', in: 'path' }, example: 'spotify' });

export const UserPath = z.object({ user: UserId });
export const UserProviderPath = z.object({ user: UserId, provider: ProviderParam });

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:crossfollow:problem:validation-error' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ pointer: z.string().optional(), parameter: z.string().optional(), detail: z.string() })).optional(),
  })
  .passthrough()
  .openapi('Problem');

export const problemResponses = {
  401: { description: 'Missing, unknown or revoked API key', content: { 'application/problem+json': { schema: ProblemSchema } } },
  404: { description: 'The user has no connection to this provider (in this app)', content: { 'application/problem+json': { schema: ProblemSchema } } },
  409: {
    description: 'The connection needs the user to connect again (`reauth-required`)',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
  415: { description: 'The body is not application/json', content: { 'application/problem+json': { schema: ProblemSchema } } },
  422: {
    description: 'Invalid input (`validation-error`, with a pointer per field) or `unsupported-operation`',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
  502: { description: 'The provider refused some items; `results` says which', content: { 'application/problem+json': { schema: ProblemSchema } } },
  503: {
    description: 'The provider is unavailable or rate limiting; `Retry-After` and `results` say what happened',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
} as const;
