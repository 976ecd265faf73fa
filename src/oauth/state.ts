import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import type { ProviderName } from '../providers/names';
import { oauthStateStorage, objectNames } from '../storage/keys';

export interface PendingConnect {
  app: string;
  user: string;
  provider: ProviderName;
  verifier: string;
  return_to: string;
  scopes: string;
  redirect_uri: string;
  expires_at: number;
}

declare module '../env' {
  interface Env {
    OAUTH_STATE: DurableObjectNamespace<OAuthState>;
  }
}

/** The OAuthState of one `state`. */
export function oauthStateFor(env: Env, state: string) {
  return env.OAUTH_STATE.get(env.OAUTH_STATE.idFromName(objectNames.oauthState(state)));
}

/** An OAuth `state` lives 10 minutes. */
export const STATE_TTL_MS = 10 * 60_000;
const RECORD = oauthStateStorage.pending;

/**
 * One per OAuth `state`: holds the PKCE verifier and where to send the user back, and gives them
 * out once. `consume` reads and deletes in one step, so a replayed callback finds nothing.
 */
export class OAuthState extends DurableObject<Env> {
  async create(pending: PendingConnect): Promise<void> {
    await this.ctx.storage.put(RECORD, pending);
    await this.ctx.storage.setAlarm(pending.expires_at);
  }

  async consume(): Promise<PendingConnect | null> {
    const pending = await this.ctx.storage.get<PendingConnect>(RECORD);
    if (!pending) return null;
    await this.ctx.storage.deleteAll();
    return pending.expires_at > Date.now() ? pending : null;
  }

  async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
