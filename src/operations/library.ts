import type { Env } from '../env';
import { Problem, validationProblem } from '../http/problem';
import { providerFor } from '../providers/registry';
import { type LibraryAdapter, oneOf, type Provider, type TimestampedId } from '../providers/types';
import type { BatchResponse } from '../schemas/follows';
import type { SaveBody } from '../schemas/library';
import type { UpstreamSession } from '../upstream/session';
import type { Target } from './follows';
import { runItems } from './items';

export type LibraryOperation = 'save' | 'remove' | 'contains';

export function libraryOf(provider: Provider, operation: string): LibraryAdapter {
  if (!provider.library) throw new Problem(422, 'unsupported-operation', `${provider.name} has no library.`, { provider: provider.name, operation });
  return provider.library;
}

export function unsupported(provider: Provider, operation: string, what: string): Problem {
  return new Problem(422, 'unsupported-operation', `${provider.name} cannot ${operation} ${what}.`, { provider: provider.name, operation });
}

/**
 * `{type, ids}`, `{uris}` or (saves of tracks) `{type, items: [{id, added_at}]}`: exactly one form.
 * Any type string is taken (hooks send strings) and refused unless the provider's library has it.
 */
export type LibraryInput = Omit<SaveBody, 'type'> & { type?: SaveBody['type'] | (string & {}) };

/**
 * Saves, removes or checks any number of library items for one user: one result per id or URI.
 *
 * @example
 * await runLibrary(env, { app, user: 'fan-42', provider: 'spotify' }, { type: 'album', ids: [albumId] }, 'save');
 */
export async function runLibrary(env: Env, target: Target, input: LibraryInput, operation: LibraryOperation): Promise<BatchResponse> {
  const provider = providerFor(target.provider);
  const library = libraryOf(provider, operation);
  if (input.uris) {
    const uris = library.uris;
    if (!uris) throw unsupported(provider, operation, 'items by URI');
    const check = (uri: string) => uris.check(uri, operation === 'contains' ? 'contains' : 'write');
    const run = operation === 'save' ? uris.save : operation === 'remove' ? uris.remove : uris.contains;
    return runItems(env, { id: target, operation, type: null, ids: input.uris, pointer: '/uris', check, run });
  }
  const type = input.type;
  // The schemas refuse ids and items without a type before this runs.
  if (type === undefined) throw validationProblem([{ pointer: '/type', detail: 'type is required with ids or items' }]);
  if (!oneOf(library.types, type)) throw unsupported(provider, operation, `${type}s`);
  const check = (itemId: string) => library.checkId(type, itemId);
  if (input.items) {
    const timestamped = library.saveTimestamped;
    if (!timestamped) throw unsupported(provider, operation, 'items with added_at');
    // A repeated id acts once, with its first added_at.
    const first = new Map<string, TimestampedId>();
    for (const item of input.items) if (!first.has(item.id)) first.set(item.id, item);
    const ids = input.items.map((i) => i.id);
    return runItems(env, {
      id: target,
      operation,
      type,
      ids,
      pointer: '/items',
      check,
      run: (s, unique) =>
        timestamped(
          s,
          unique.flatMap((id) => first.get(id) ?? []),
        ),
    });
  }
  const run = (s: UpstreamSession, unique: string[]) =>
    operation === 'save' ? library.save(s, type, unique) : operation === 'remove' ? library.remove(s, type, unique) : library.contains(s, type, unique);
  if (!input.ids) throw validationProblem([{ pointer: '/ids', detail: 'send exactly one of ids, uris or items' }]);
  return runItems(env, { id: target, operation, type, ids: input.ids, pointer: '/ids', check, run });
}
