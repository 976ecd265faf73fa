import type { Env } from '../env';
import { Problem, validationProblem } from '../http/problem';
import type { ProviderName } from '../providers/names';
import { providerFor } from '../providers/registry';
import { oneOf } from '../providers/types';
import type { BatchResponse, FollowType } from '../schemas/follows';
import { runItems } from './items';

export type FollowOperation = 'follow' | 'unfollow' | 'contains';

/** Who the operation is for: the app's user on one provider. */
export interface Target {
  app: string;
  user: string;
  provider: ProviderName;
}

export interface FollowsInput {
  /** A follow type; any string is taken (hooks send strings) and refused unless the provider has it. */
  type: FollowType | (string & {});
  ids: string[];
  /** Playlists only: follow publicly or privately. */
  public?: boolean;
}

/**
 * Follows, unfollows or checks any number of ids for one user: one result per id, in order.
 *
 * @example
 * await runFollows(env, { app, user: 'fan-42', provider: 'spotify' }, { type: 'artist', ids }, 'follow');
 */
export async function runFollows(env: Env, target: Target, input: FollowsInput, operation: FollowOperation): Promise<BatchResponse> {
  const provider = providerFor(target.provider);
  const type = input.type;
  if (!oneOf(provider.followTypes, type)) {
    throw new Problem(422, 'unsupported-operation', `${provider.name} cannot ${operation} ${type}s.`, { provider: provider.name, operation, item_type: type });
  }
  if (input.public !== undefined && type !== 'playlist') {
    throw validationProblem([{ pointer: '/public', detail: 'public applies to playlists only' }]);
  }
  return runItems(env, {
    id: target,
    operation,
    type,
    ids: input.ids,
    pointer: '/ids',
    check: (id) => provider.checkId(type, id),
    run: (session, unique) =>
      operation === 'follow'
        ? provider.follow(session, type, unique, { public: input.public })
        : operation === 'unfollow'
          ? provider.unfollow(session, type, unique)
          : provider.contains(session, type, unique),
  });
}
