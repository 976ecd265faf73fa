/**
 * What travels on the two queues (docs/storage.md). A leaf: producers and consumers both import
 * it, and it holds no token.
 */
import type { ProviderName } from '../providers/names';
import type { Action } from '../schemas/hooks';

export type EventType =
  | 'connection.created'
  | 'connection.expiring'
  | 'connection.reauth_required'
  | 'connection.deleted'
  | 'batch.completed'
  | 'provider.quota_exceeded'
  | 'campaign.started'
  | 'campaign.fans'
  | 'campaign.completed';

/** `crossfollow-events`: one event, delivered to the app's webhook URL, signed, with retries. */
export interface EventMessage {
  id: string;
  app: string;
  type: EventType;
  timestamp: string;
  /** `{user, provider, …}` for connection events; `{batch_id, results}` for batch.completed. */
  data: { user?: string; provider?: ProviderName; [detail: string]: unknown };
}

/**
 * `crossfollow-actions`: a hook's actions sent with async=1. `batch_id` is the public name the
 * app gets back (202) and finds again in its batch.completed event.
 */
export interface ActionsMessage {
  app: string;
  batch_id: string;
  actions: Action[];
}

/**
 * `crossfollow-campaigns`: work a Campaign hands out (src/campaigns/). `search`: find release
 * `action`'s UPC or ISRC with `fans[0]`'s connection; `run`: run these fans' actions; `verify`:
 * check them. `ticket` is the dispatch's: a fan is only claimed under it (or once its lease
 * ran out), so a message delivered twice runs no fan twice.
 */
export interface CampaignMessage {
  app: string;
  campaign: string;
  kind: 'search' | 'run' | 'verify';
  fans: string[];
  ticket: string;
  action?: number;
}

/** Queue name → the message it carries; dispatch (queues/dispatch.ts) switches on it. */
export interface QueueMessages {
  'crossfollow-events': EventMessage;
  'crossfollow-actions': ActionsMessage;
  'crossfollow-campaigns': CampaignMessage;
}
