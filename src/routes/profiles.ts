import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { Problem } from '../http/problem';
import { problemOnInvalid } from '../http/validation';
import { providerFor } from '../providers';
import { decodeCursor, offsetOf } from '../providers/cursor';

import { playlists, topItems, userProfile } from '../providers/spotify/reads';
import { UserPath, UserProviderPath, problemResponses } from '../schemas/common';
import { PageResponse } from '../schemas/follows';
import { Raw } from '../schemas/library';
import { PlaylistsQuery, ProfileResponse, SpotifyUserPath, TopPath, TopQuery, TopResponse } from '../schemas/spotify';
import type { ProviderName } from '../tokens/token-endpoint';
import { UpstreamSession } from '../upstream/session';
import { ALL_PAGE_SIZE, streamAll } from './stream-all';

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

const playlistsContent = {
  200: {
    description: 'A page of playlists (JSON), or with all=1 one playlist a line and a summary line (NDJSON)',
    content: { 'application/json': { schema: PageResponse }, 'application/x-ndjson': { schema: { type: 'string' as const } } },
  },
  ...problemResponses,
};

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
  const provider = providerFor(params.provider as ProviderName);
  if (!provider.profile) throw new Problem(422, 'unsupported-operation', `${provider.name} has no profile operation.`, { provider: provider.name, operation: 'profile' });
  const session = await UpstreamSession.open(c.env, { app: c.get('appId'), user: params.user, provider: provider.name });
  return c.json({ provider: provider.name, profile: await provider.profile(session, c.req.valid('query').raw === '1') }, 200);
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

async function listPlaylists(env: AppEnv['Bindings'], app: string, user: string, owner: string | null, query: { limit: number; cursor?: string; raw?: string; all?: string }) {
  const start = offsetOf(decodeCursor(query.cursor));
  const session = await spotifySession(env, app, user);
  const raw = query.raw === '1';
  if (query.all === '1') return streamAll((next) => playlists(session, owner, { limit: ALL_PAGE_SIZE, offset: next === undefined ? start : offsetOf(next), raw }));
  const page = await playlists(session, owner, { limit: query.limit, offset: start, raw });
  return Response.json({ provider: 'spotify', type: 'playlist', items: page.items, next_cursor: page.next_cursor });
}

profiles.openapi(myPlaylistsRoute, async (c) => (await listPlaylists(c.env, c.get('appId'), c.req.valid('param').user, null, c.req.valid('query'))) as never);
profiles.openapi(userPlaylistsRoute, async (c) => {
  const { user, id } = c.req.valid('param');
  return (await listPlaylists(c.env, c.get('appId'), user, id, c.req.valid('query'))) as never;
});
