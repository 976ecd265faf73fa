/** What a Campaign keeps and what passes between it and the queue consumer (docs/storage.md). */
import type { CampaignAction, CampaignRun } from '../schemas/campaigns';
import type { FanResults, PlannedAction, Release } from './plan';

export interface CampaignRecord {
  id: string;
  app: string;
  name: string;
  actions: CampaignAction[];
  run: CampaignRun;
  verify: boolean;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  cancelledAt: number | null;
  releases: Release[];
  callsPerFan: number;
}

/** A consumer's claim: the fans it may run now, each with what is left of its plan. */
export interface Claim {
  fans: { user: string; plan: PlannedAction[] }[];
}

/** What a consumer found for one fan. */
export interface FanReport {
  user: string;
  results: FanResults[];
}

export type SearchResult =
  | { found: NonNullable<Release['item']> }
  | { none: true }
  /** Not searched: the provider paused or down (no search spent). */
  | { later: number; reason: string }
  /** Not searched for this fan's sake (its connection), or refused: another fan tries shortly, a few times. */
  | { unusable: string };
