import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { problemOnInvalid } from '../http/validation';
import { listPlaylists } from '../operations/lists';
import { profileOf } from '../operations/profiles';
import { topItems, userProfile } from '../providers/spotify/reads';
import { problemResponses, UserPath, UserProviderPath } from '../schemas/common';
import { pageOrStream } from '../schemas/follows';
import { Raw } from '../schemas/library';
import { PlaylistsQuery, ProfileResponse, SpotifyUserPath, TopPath, TopQuery, TopResponse } from '../schemas/spotify';
import { UpstreamSession } from '../upstream/session';
import { listingAnswer } from './respond';

const ok = (schema: z.ZodType, description: string) => ({ 200: { description, content: { 'application/json': { schema } } }, ...problemResponses });
const RawQuery = z.object({ raw: Raw });

const profileRoute = createRoute({
  method: 'get',
  path: '/v1/users/{user}/{provider}/profile',
  tags: ['profiles'],
  summary: "The user's own profile on the provider",
  request: { params: UserProviderPath, query: RawQuery },
  responses: ok(ProfileResponse, 'The profile, normalized'),
});

const otherProfileRoute = createRoute({
  method: 'get',
  path: '/v1/users/{user}/spotify/users/{id}',
  tags: ['profiles'],
  summary: "Another Spotify user's public profile",
  request: { params: SpotifyUserPath, query: RawQuery },
  responses: ok(ProfileResponse, 'The profile, normalized'),
});

const topRoute = createRoute({
  method: 'get',
  path: '/v1/users/{user}/spotify/top/{kind}',
  tags: ['profiles'],
  summary: "The user's top artists or tracks",
  request: { params: TopPath, query: TopQuery },
  responses: ok(TopResponse, 'Top items, normalized, with the next offset'),
});

const playlistsContent = pageOrStream('A page of playlists, normalized, and an opaque next_cursor');

const myPlaylistsRoute = createRoute({
  method: 'get',
  path: '/v1/users/{user}/spotify/playlists',
  tags: ['playlists'],
  summary: "The user's playlists, owned and followed",
  request: { params: UserPath, query: PlaylistsQuery },
  responses: playlistsContent,
});

const userPlaylistsRoute = createRoute({
  method: 'get',
  path: '/v1/users/{user}/spotify/users/{id}/playlists',
  tags: ['playlists'],
  summary: "Another Spotify user's public playlists",
  request: { params: SpotifyUserPath, query: PlaylistsQuery },
  responses: playlistsContent,
});

const spotifySession = (env: AppEnv['Bindings'], app: string, user: string) => UpstreamSession.open(env, { app, user, provider: 'spotify' });

export const profiles = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

profiles.openapi(profileRoute, async (c) => {
  const params = c.req.valid('param');
  return c.json(await profileOf(c.env, { app: c.get('appId'), user: params.user, provider: params.provider }, c.req.valid('query').raw === '1'), 200);
});

profiles.openapi(otherProfileRoute, async (c) => {
  const { user, id } = c.req.valid('param');
  const session = await spotifySession(c.env, c.get('appId'), user);
  return c.json({ provider: 'spotify', profile: await userProfile(session, id, c.req.valid('query').raw === '1') }, 200);
});

profiles.openapi(topRoute, async (c) => {
  const { user, kind } = c.req.valid('param');
  const query = c.req.valid('query');
  const session = await spotifySession(c.env, c.get('appId'), user);
  const page = await topItems(session, kind, { time_range: query.time_range, limit: query.limit, offset: query.offset, raw: query.raw === '1' });
  return c.json({ provider: 'spotify', kind, time_range: query.time_range, ...page }, 200);
});

profiles.openapi(myPlaylistsRoute, async (c) =>
  listingAnswer(c, await listPlaylists(c.env, { app: c.get('appId'), user: c.req.valid('param').user }, null, c.req.valid('query'))),
);
profiles.openapi(userPlaylistsRoute, async (c) => {
  const { user, id } = c.req.valid('param');
  return listingAnswer(c, await listPlaylists(c.env, { app: c.get('appId'), user }, id, c.req.valid('query')));
});
