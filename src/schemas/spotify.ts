import { z } from '@hono/zod-openapi';
import { USER_ID } from '../providers/spotify/ids';
import { UserId } from './common';
import { NormalizedItem } from './follows';
import { All, Cursor, Limit, Raw } from './library';

export const SpotifyUserPath = z.object({
  user: UserId,
  id: z
    .string()
    .regex(USER_ID, 'a Spotify user id is 1-64 letters, digits, ".", "_" or "-"')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'smedjan' }),
});

export const TopPath = z.object({
  user: UserId,
  kind: z.enum(['artists', 'tracks']).openapi({ param: { name: 'kind', in: 'path' }, example: 'artists' }),
});

export const TimeRange = z.enum(['short_term', 'medium_term', 'long_term']);
export type TimeRange = z.infer<typeof TimeRange>;

export const TopQuery = z.object({
  time_range: TimeRange.default('medium_term'),
  limit: Limit,
  offset: z.coerce.number().int('offset is a whole number').min(0, 'offset is at least 0').max(100_000, 'offset is at most 100000').default(0),
  raw: Raw,
});

export const PlaylistsQuery = z.object({ limit: Limit, cursor: Cursor, raw: Raw, all: All });

export const Profile = NormalizedItem.extend({ followers: z.number().nullable() }).openapi('Profile');
/** A user's profile, normalized like items (`followers` where known). */
export type Profile = z.infer<typeof Profile>;
export const ProfileResponse = z.object({ provider: z.string(), profile: Profile }).openapi('ProfileResult');

export const TopResponse = z
  .object({
    provider: z.string(),
    kind: z.enum(['artists', 'tracks']),
    time_range: z.string(),
    items: z.array(NormalizedItem),
    total: z.number().nullable(),
    offset: z.number(),
    next_offset: z.number().nullable(),
  })
  .openapi('TopItems');
