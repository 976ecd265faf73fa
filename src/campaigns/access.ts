/** Reaching a campaign's Durable Object: named by the app and the campaign id, so an app reaches only its own. */
import type { Env } from '../env';
import { objectNames } from '../storage/keys';
import type { Campaign } from './campaign';

/** The Campaign's RPC methods, as the class declares them. */
export type CampaignStub = Pick<
  Campaign,
  | 'create'
  | 'view'
  | 'joinable'
  | 'join'
  | 'leave'
  | 'fanPage'
  | 'cancel'
  | 'retry'
  | 'claim'
  | 'report'
  | 'claimVerify'
  | 'reportVerify'
  | 'claimSearch'
  | 'searched'
>;

/**
 * Typed by the class's own signatures: its answers are plain JSON (the API's zod shapes), but
 * workers-types turns their open `unknown` members (problem extensions) into `never` over RPC.
 *
 * @example
 * const view = await campaignFor(env, app, 'cmp_0123456789abcdef01234567').view();
 */
export function campaignFor(env: Env, app: string, id: string): CampaignStub {
  return env.CAMPAIGN.get(env.CAMPAIGN.idFromName(objectNames.campaign(app, id))) as unknown as CampaignStub;
}
