import type { ProblemBody } from '../http/problem';
import type { ProviderName } from '../tokens/token-endpoint';
import type { UpstreamSession } from '../upstream/session';

export type FollowType = 'artist' | 'user' | 'playlist';
export const FOLLOW_TYPES: readonly FollowType[] = ['artist', 'user', 'playlist'];

export type ItemStatus = 'done' | 'pending' | 'failed' | 'skipped';

/** One id's outcome. `following` is set by contains; `problem` when `status` is `failed`. */
export interface ItemResult {
  id: string;
  status: ItemStatus;
  following?: boolean;
  reason?: string;
  problem?: ProblemBody;
}

/** The shape every provider's list items take. */
export interface NormalizedItem {
  id: string;
  type: string;
  uri: string;
  name: string;
  url: string | null;
  image: string | null;
  raw?: unknown;
}

export interface Page {
  items: NormalizedItem[];
  next_cursor: string | null;
}

export interface FollowOptions {
  /** Playlists only: follow publicly (shown on the profile) or privately. */
  public?: boolean;
}

export interface ListOptions {
  limit: number;
  /** The upstream's paging position, decoded from the caller's opaque cursor. */
  after?: string;
  raw: boolean;
}

/** One adapter a provider. Ids reach it validated (`checkId`) and without duplicates. */
export interface Provider {
  readonly name: ProviderName;
  readonly followTypes: readonly FollowType[];
  /** Types whose follows the provider can list. */
  readonly listTypes: readonly FollowType[];
  /** Why `id` is not a valid id of `type` here, or null when it is. */
  checkId(type: FollowType, id: string): string | null;
  follow(session: UpstreamSession, type: FollowType, ids: string[], options: FollowOptions): Promise<ItemResult[]>;
  unfollow(session: UpstreamSession, type: FollowType, ids: string[]): Promise<ItemResult[]>;
  contains(session: UpstreamSession, type: FollowType, ids: string[]): Promise<ItemResult[]>;
  listFollows(session: UpstreamSession, type: FollowType, options: ListOptions): Promise<Page>;
}
