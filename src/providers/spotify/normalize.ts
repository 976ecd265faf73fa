import type { NormalizedItem, NormalizedProfile } from '../types';

interface Image {
  url: string;
  width?: number | null;
}

interface SpotifyObject {
  id: string;
  type?: string;
  uri?: string;
  name?: string;
  display_name?: string | null;
  external_urls?: { spotify?: string };
  images?: Image[];
  album?: { images?: Image[] };
  followers?: { total?: number };
}

function largest(images: Image[] | undefined): string | null {
  const sorted = [...(images ?? [])].sort((a, b) => (b.width ?? 0) - (a.width ?? 0));
  return sorted[0]?.url ?? null;
}

/**
 * The shared item shape from any Spotify object (artist, track, album, episode, show,
 * audiobook, playlist); tracks take their album's image. `raw` only when asked for.
 */
export function normalizeItem(value: unknown, raw: boolean, fallbackType: string, addedAt?: string): NormalizedItem {
  const o = value as SpotifyObject;
  const type = o.type ?? fallbackType;
  const item: NormalizedItem = {
    id: o.id,
    type,
    uri: o.uri ?? `spotify:${type}:${o.id}`,
    name: o.name ?? o.display_name ?? '',
    url: o.external_urls?.spotify ?? null,
    image: largest(o.images) ?? largest(o.album?.images),
  };
  if (addedAt) item.added_at = addedAt;
  if (raw) item.raw = value;
  return item;
}

export function normalizeUser(value: unknown, raw: boolean): NormalizedProfile {
  const o = value as SpotifyObject;
  return { ...normalizeItem(value, raw, 'user'), followers: o.followers?.total ?? null };
}
