import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { readSettings } from '../auth/settings';
import { configOf } from '../config';
import type { AppEnv, Env } from '../env';
import { emit } from '../events/emit';
import { Problem } from '../http/problem';
import { problemOnInvalid, requireJson } from '../http/validation';
import { authorizeUrl, tokenGrant } from '../oauth/client';
import { pkceChallenge, randomToken, STATE_FORMAT } from '../oauth/pkce';
import { oauthStateFor, type PendingConnect, STATE_TTL_MS } from '../oauth/state';
import type { ProviderName } from '../providers/names';
import { providerFor } from '../providers/registry';
import { problemResponses, UserProviderPath } from '../schemas/common';
import { ConnectionStatus } from '../schemas/connections';
import { AUTHORIZE_PATH, AuthorizeBody, AuthorizePath, AuthorizeResponse, CallbackQuery, ConfirmBody } from '../schemas/oauth';
import { forgetInMemory, vaultFor } from '../tokens/access';

const authorizeRoute = createRoute({
  method: 'post',
  path: AUTHORIZE_PATH,
  tags: ['connections'],
  summary: 'Start connecting a user: an authorize URL (PKCE S256, one-time state, 10 minutes)',
  middleware: [requireJson] as const,
  request: { params: AuthorizePath, body: { required: true, content: { 'application/json': { schema: AuthorizeBody } } } },
  responses: { 200: { description: 'Send the user to authorize_url', content: { 'application/json': { schema: AuthorizeResponse } } }, ...problemResponses },
});

const callbackRoute = createRoute({
  method: 'get',
  path: '/v1/oauth/{provider}/callback',
  tags: ['connections'],
  summary: 'The provider sends the user here; crossfollow exchanges the code, holds the tokens, and sends the user to return_to with a connect_id to confirm',
  // Public (src/app.ts PUBLIC_ROUTES): the one-time OAuth state names the app and user.
  security: [],
  request: { params: AuthorizePath, query: CallbackQuery },
  responses: {
    303: { description: 'Back to return_to with crossfollow_status=confirm&connect_id=…, or crossfollow_status=error&error=…' },
    400: problemResponses[422],
  },
});

const confirmRoute = createRoute({
  method: 'post',
  path: '/v1/users/{user}/connections/{provider}/confirm',
  tags: ['connections'],
  summary: "Finish an OAuth connect: the app, in the signed-in user's session, confirms the connect_id it got on return_to",
  middleware: [requireJson] as const,
  request: { params: UserProviderPath, body: { required: true, content: { 'application/json': { schema: ConfirmBody } } } },
  responses: { 201: { description: 'Connected', content: { 'application/json': { schema: ConnectionStatus } } }, ...problemResponses },
});

/** One redirect URI per provider, so a code can never be taken to another provider (mix-up). */
function redirectUri(env: Env, requestUrl: string, provider: ProviderName): string {
  return `${configOf(env).publicUrl ?? new URL(requestUrl).origin}/v1/oauth/${provider}/callback`;
}

export const oauth = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

oauth.openapi(authorizeRoute, async (c) => {
  const { provider } = c.req.valid('param');
  const body = c.req.valid('json');
  const app = c.get('appId');
  const settings = await readSettings(c.env, app);
  if (!settings.return_to.includes(body.return_to)) {
    throw new Problem(422, 'validation-error', "return_to is not one of this app's return_to URLs (set them with PUT /admin/apps/{app_id}/settings).", {
      errors: [{ pointer: '/return_to', detail: 'not in the allowlist' }],
    });
  }
  const state = randomToken();
  const verifier = randomToken();
  const { oauth } = providerFor(provider);
  const scopes = body.scopes?.join(' ') ?? oauth.defaultScopes;
  const uri = redirectUri(c.env, c.req.url, provider);
  const url = authorizeUrl(oauth, configOf(c.env), { state, challenge: await pkceChallenge(verifier), redirectUri: uri, scopes });
  if (!url) throw new Problem(500, 'misconfigured', `The ${provider} client id is not set, so users cannot be sent to connect.`);
  const pending: PendingConnect = {
    app,
    user: body.user,
    provider,
    verifier,
    return_to: body.return_to,
    scopes,
    redirect_uri: uri,
    expires_at: Date.now() + STATE_TTL_MS,
  };
  await oauthStateFor(c.env, state).create(pending);
  return c.json({ authorize_url: url, state_expires_at: new Date(pending.expires_at).toISOString(), redirect_uri: uri }, 200);
});

/** 303 to the app with the outcome in the query; the callback URL (code, state) is not passed on. */
function backTo(c: Context, pending: PendingConnect, outcome: Record<string, string>) {
  const target = new URL(pending.return_to);
  for (const [k, v] of Object.entries({ provider: pending.provider, user: pending.user, ...outcome })) target.searchParams.set(k, v);
  c.header('referrer-policy', 'no-referrer');
  c.header('cache-control', 'no-store');
  return c.redirect(target.toString(), 303);
}

oauth.openapi(callbackRoute, async (c) => {
  const { provider } = c.req.valid('param');
  const query = c.req.valid('query');
  const badState = (detail: string) =>
    new Problem(
      400,
      'invalid-state',
      `${detail} Start again with POST /v1/connections/${provider}/authorize.`,
      {},
      { 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' },
    );
  if (!query.state || !STATE_FORMAT.test(query.state)) throw badState('The state is missing or not one crossfollow issued.');
  const pending = await oauthStateFor(c.env, query.state).consume();
  if (!pending) throw badState('The state is unknown, expired (10 minutes) or already used.');
  if (pending.provider !== provider) throw badState(`The state was issued for ${pending.provider}, not ${provider}.`);
  if (query.error) return backTo(c, pending, { crossfollow_status: 'error', error: query.error === 'access_denied' ? 'access_denied' : 'provider_error' });
  if (!query.code) return backTo(c, pending, { crossfollow_status: 'error', error: 'missing_code' });
  const outcome = await tokenGrant(provider, providerFor(provider).oauth, configOf(c.env), {
    grant_type: 'authorization_code',
    code: query.code,
    code_verifier: pending.verifier,
    redirect_uri: pending.redirect_uri,
  });
  if (outcome.kind !== 'ok') return backTo(c, pending, { crossfollow_status: 'error', error: 'exchange_failed' });
  const id = { app: pending.app, user: pending.user, provider };
  const connectId = randomToken();
  const staged = await vaultFor(c.env, id).stage(connectId, {
    id,
    access_token: outcome.grant.access_token,
    refresh_token: outcome.grant.refresh_token,
    expires_at: Date.now() + outcome.grant.expires_in * 1000,
    scope: outcome.grant.scope ?? pending.scopes,
    // The user consented just now; a refresh token's life is counted from here (tokens/expiry.ts).
    authorized_at: Date.now(),
  });
  if (!staged) return backTo(c, pending, { crossfollow_status: 'error', error: 'server_error' });
  return backTo(c, pending, { crossfollow_status: 'confirm', connect_id: connectId });
});

oauth.openapi(confirmRoute, async (c) => {
  const params = c.req.valid('param');
  const id = { app: c.get('appId'), user: params.user, provider: params.provider };
  const result = await vaultFor(c.env, id).confirm(c.req.valid('json').connect_id);
  if (!result)
    throw new Problem(
      404,
      'not-found',
      `No pending ${params.provider} connect ${'with this connect_id'} for user '${params.user}' (they last 10 minutes, and belong to the user that started them).`,
    );
  if (!result.ok) throw new Problem(500, 'misconfigured', result.detail);
  forgetInMemory(id);
  await emit(c.env, id.app, 'connection.created', { user: id.user, provider: id.provider, via: 'oauth' });
  return c.json(result.status, 201);
});
