import type { Env } from '../env';
import { deliverEvents } from '../events/deliver';
import { runQueuedActions } from '../operations/actions';
import { runCampaignWork } from '../operations/campaign-work';
import type { ActionsMessage, CampaignMessage, EventMessage, QueueMessages } from './messages';

/**
 * The worker's `queue` handler: each queue this worker consumes (wrangler.toml
 * `[[queues.consumers]]`) and its consumer, in one place. The queue's name says what its
 * messages are (queues/messages.ts); the runtime's batch type cannot, hence the casts.
 */
export async function dispatchQueue(batch: MessageBatch<QueueMessages[keyof QueueMessages]>, env: Env): Promise<void> {
  switch (batch.queue) {
    case 'crossfollow-events':
      return deliverEvents(batch as MessageBatch<EventMessage>, env);
    case 'crossfollow-actions':
      return runQueuedActions(batch as MessageBatch<ActionsMessage>, env);
    case 'crossfollow-campaigns':
      return runCampaignWork(batch as MessageBatch<CampaignMessage>, env);
    default:
      // A queue bound to this worker with no consumer here: kept, and in the end dead-lettered.
      console.error(JSON.stringify({ msg: 'no consumer for queue', queue: batch.queue }));
      batch.retryAll();
  }
}
