import type { ProviderOAuth } from '../oauth/client';
import type { FollowType, ItemResult, NormalizedItem } from '../schemas/follows';
import type { LibraryType } from '../schemas/library';
import type { Profile } from '../schemas/spotify';
import type { UpstreamSession } from '../upstream/session';
import type { ProviderName } from './names';

// The item shapes are the API's own (src/schemas), so what an adapter returns is what is answered.
export type { FollowType, ItemResult, LibraryType, NormalizedItem };
export type NormalizedProfile = Profile;

export { oneOf } from './names';

export interface TimestampedId {
  id: string;
  added_at: string;
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

/**
 * Saved items ("library"). Ids and URIs reach it validated and without duplicates; results
 * carry the id (or the URI, for URI operations) they were given.
 */
export interface LibraryAdapter {
  readonly types: readonly LibraryType[];
  readonly listTypes: readonly LibraryType[];
  checkId(type: LibraryType, id: string): string | null;
  save(session: UpstreamSession, type: LibraryType, ids: string[]): Promise<ItemResult[]>;
  remove(session: UpstreamSession, type: LibraryType, ids: string[]): Promise<ItemResult[]>;
  contains(session: UpstreamSession, type: LibraryType, ids: string[]): Promise<ItemResult[]>;
  list(session: UpstreamSession, type: LibraryType, options: ListOptions): Promise<Page>;
  /** Saves keeping the given order in time; absent where the provider cannot. */
  saveTimestamped?(session: UpstreamSession, items: TimestampedId[]): Promise<ItemResult[]>;
  /** Provider URIs of mixed types; absent where the provider has none. */
  uris?: {
    check(uri: string, operation: 'write' | 'contains'): string | null;
    save(session: UpstreamSession, uris: string[]): Promise<ItemResult[]>;
    remove(session: UpstreamSession, uris: string[]): Promise<ItemResult[]>;
    contains(session: UpstreamSession, uris: string[]): Promise<ItemResult[]>;
  };
}

/** A release's code: an album's UPC or a track's ISRC. */
export interface ReleaseCode {
  upc?: string;
  isrc?: string;
}

/** What a release code names. */
export interface Release {
  type: 'album' | 'track';
  id: string;
  name: string;
  uri: string;
}

/** One adapter a provider. Ids reach it validated (`checkId`) and without duplicates. */
export interface Provider {
  readonly name: ProviderName;
  /** Everything OAuth the provider knows (its `oauth.ts`). */
  readonly oauth: ProviderOAuth;
  readonly followTypes: readonly FollowType[];
  /** Types whose follows the provider can list. */
  readonly listTypes: readonly FollowType[];
  /** The largest page the provider serves (Spotify 50, X 1000, Audius 100). */
  readonly maxListLimit: number;
  /** What its follow lists' cursors hold: an offset, or the provider's own paging token. */
  readonly listCursor: 'offset' | 'token';
  /** Why a decoded paging token is not one of this provider's, or null. */
  checkCursor?(after: string): string | null;
  /** Why a `provider_user_id` given on import cannot be this provider's user id, or null. */
  checkProviderUserId(id: string): string | null;
  /** Why `id` is not a valid id of `type` here, or null when it is. */
  checkId(type: FollowType, id: string): string | null;
  follow(session: UpstreamSession, type: FollowType, ids: string[], options: FollowOptions): Promise<ItemResult[]>;
  unfollow(session: UpstreamSession, type: FollowType, ids: string[]): Promise<ItemResult[]>;
  contains(session: UpstreamSession, type: FollowType, ids: string[]): Promise<ItemResult[]>;
  listFollows(session: UpstreamSession, type: FollowType, options: ListOptions): Promise<Page>;
  listFollowers?(session: UpstreamSession, options: ListOptions): Promise<Page>;
  readonly library?: LibraryAdapter;
  profile?(session: UpstreamSession, raw: boolean): Promise<NormalizedProfile>;
  /** The album or track a UPC or ISRC names, or null; absent where the provider cannot search by them. */
  findRelease?(session: UpstreamSession, code: ReleaseCode): Promise<Release | null>;
}
