import type { NormalizedItem } from '../types';

interface SpotifyObject {
  id: string;
  type?: string;
  uri?: string;
  name?: string;
  external_urls?: { spotify?: string };
  images?: { url: string; width?: number | null }[];
}

/** The shared item shape; `raw` (Spotify's own object) only when the caller asked for it. */
export function normalizeArtist(value: unknown, raw: boolean): NormalizedItem {
  const o = value as SpotifyObject;
  const images = [...(o.images ?? [])].sort((a, b) => (b.width ?? 0) - (a.width ?? 0));
  const item: NormalizedItem = {
    id: o.id,
    type: o.type ?? 'artist',
    uri: o.uri ?? `spotify:artist:${o.id}`,
    name: o.name ?? '',
    url: o.external_urls?.spotify ?? null,
    image: images[0]?.url ?? null,
  };
  if (raw) item.raw = value;
  return item;
}
