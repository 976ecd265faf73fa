import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import { idempotencyStorage } from '../storage/keys';

declare module '../env' {
  interface Env {
    IDEMPOTENCY: DurableObjectNamespace<IdempotencyStore>;
  }
}

/** A response kept to be replayed: only what a client needs to see it again. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Entry {
  fingerprint: string;
  state: 'running' | 'done';
  response?: StoredResponse;
  startedAt: number;
}

export type Begin = { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'in-flight' } | { kind: 'mismatch' };

/** Keys are kept a day (draft-ietf-httpapi-idempotency-key-header leaves the period to the server). */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** A request that never finished (its isolate died) stops blocking its key after this long: longer than any request runs. */
const STALE_RUNNING_MS = 15 * 60_000;
const ENTRY = idempotencyStorage.entry;

/**
 * One per `app|key`: the first request with a key runs, and its answer is replayed for every
 * later request with the same key and the same request; another request under that key is
 * refused. Its storage operations are atomic, so two racing requests cannot both run.
 */
export class IdempotencyStore extends DurableObject<Env> {
  async begin(fingerprint: string): Promise<Begin> {
    const entry = await this.ctx.storage.get<Entry>(ENTRY);
    const now = Date.now();
    if (entry && !(entry.state === 'running' && now - entry.startedAt > STALE_RUNNING_MS)) {
      if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (entry.state === 'running') return { kind: 'in-flight' };
      // A done entry always holds its response; one without is treated as never finished.
      if (entry.response) return { kind: 'replay', response: entry.response };
    }
    await this.ctx.storage.put(ENTRY, { fingerprint, state: 'running', startedAt: now } satisfies Entry);
    await this.ctx.storage.setAlarm(now + IDEMPOTENCY_TTL_MS);
    return { kind: 'new' };
  }

  async complete(fingerprint: string, response: StoredResponse): Promise<void> {
    const entry = await this.ctx.storage.get<Entry>(ENTRY);
    if (!entry || entry.fingerprint !== fingerprint) return;
    await this.ctx.storage.put(ENTRY, { ...entry, state: 'done', response } satisfies Entry);
  }

  /** The first request failed inside crossfollow: let the key be used again. */
  async abandon(fingerprint: string): Promise<void> {
    const entry = await this.ctx.storage.get<Entry>(ENTRY);
    if (entry?.fingerprint === fingerprint && entry.state === 'running') await this.ctx.storage.deleteAll();
  }

  async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
