/** Reaching an app's ConnectionIndex: named by the app, so an app reaches only its own. */
import type { Env } from '../env';
import { objectNames } from '../storage/keys';

/**
 * @example
 * const { counts } = await connectionIndexFor(env, 'app_1').page({ limit: 50 });
 */
export function connectionIndexFor(env: Env, app: string) {
  return env.CONNECTION_INDEX.get(env.CONNECTION_INDEX.idFromName(objectNames.connectionIndex(app)));
}
