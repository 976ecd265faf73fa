import type { NormalizedItem, NormalizedProfile } from '../types';

/** Audius ids are short hash ids (`nlGNe`); users may also be named by `@handle`. */
export const AUDIUS_ID = /^[A-Za-z0-9]{1,16}$/;
export const AUDIUS_HANDLE = /^@[A-Za-z0-9][A-Za-z0-9_.]{0,29}$/;

export function checkAudiusUser(id: string): string | null {
  return AUDIUS_ID.test(id) || AUDIUS_HANDLE.test(id) ? null : 'an Audius user is a hash id (1-16 letters or digits, like nlGNe) or @handle';
}

export function checkAudiusId(id: string): string | null {
  return AUDIUS_ID.test(id) ? null : 'an Audius id is 1-16 letters or digits, like D7KyD';
}

type Sizes = Record<string, string> | null | undefined;

interface AudiusObject {
  id: string;
  handle?: string;
  name?: string;
  title?: string;
  playlist_name?: string;
  permalink?: string;
  follower_count?: number;
  profile_picture?: Sizes;
  artwork?: Sizes;
}

const biggest = (sizes: Sizes) => (sizes ? (sizes['1000x1000'] ?? sizes['480x480'] ?? sizes['150x150'] ?? null) : null);

/** Audius has no URIs; crossfollow names items `audius:{type}:{id}`. */
export function normalizeAudius(value: unknown, type: string, raw: boolean, addedAt?: string): NormalizedItem {
  const o = value as AudiusObject;
  const path = type === 'user' ? (o.handle ? `/${o.handle}` : null) : (o.permalink ?? null);
  const item: NormalizedItem = {
    id: o.id,
    type,
    uri: `audius:${type}:${o.id}`,
    name: o.name ?? o.title ?? o.playlist_name ?? '',
    url: path ? `https://audius.co${path}` : null,
    image: biggest(o.profile_picture) ?? biggest(o.artwork),
  };
  if (addedAt) item.added_at = addedAt;
  if (raw) item.raw = value;
  return item;
}

export function normalizeAudiusProfile(value: unknown, raw: boolean): NormalizedProfile {
  return { ...normalizeAudius(value, 'user', raw), followers: (value as AudiusObject).follower_count ?? null };
}
