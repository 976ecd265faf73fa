import type { NormalizedItem, NormalizedProfile } from '../types';

/** X user ids are numeric strings; users may also be named by `@username`. */
export const X_ID = /^(0|[1-9][0-9]{0,18})$/;
export const X_HANDLE = /^@[A-Za-z0-9_]{1,15}$/;

export function checkXUser(id: string): string | null {
  return X_ID.test(id) || X_HANDLE.test(id) ? null : 'an X user is a numeric id (1-19 digits, no leading zero) or @username (1-15 letters, digits or _)';
}

interface XUser {
  id: string;
  name?: string;
  username?: string;
  profile_image_url?: string;
  public_metrics?: { followers_count?: number };
}

/** X has no URIs; crossfollow names users `x:user:{id}` so every provider's items have one. */
export function normalizeXUser(value: unknown, raw: boolean): NormalizedItem {
  const u = value as XUser;
  const item: NormalizedItem = {
    id: u.id,
    type: 'user',
    uri: `x:user:${u.id}`,
    name: u.name ?? u.username ?? '',
    url: u.username ? `https://x.com/${u.username}` : null,
    image: u.profile_image_url ?? null,
  };
  if (raw) item.raw = value;
  return item;
}

export function normalizeXProfile(value: unknown, raw: boolean): NormalizedProfile {
  return { ...normalizeXUser(value, raw), followers: (value as XUser).public_metrics?.followers_count ?? null };
}
