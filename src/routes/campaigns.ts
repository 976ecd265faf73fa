import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { problemOnInvalid, requireJson } from '../http/validation';
import {
  campaignView,
  cancelCampaign,
  createCampaign,
  fanOf,
  joinFan,
  joinFans,
  leaveCampaign,
  listCampaigns,
  listFans,
  retryCampaign,
} from '../operations/campaigns';
import {
  BulkJoinBody,
  Campaign,
  CampaignFanPath,
  CampaignList,
  CampaignListQuery,
  CampaignPath,
  CreateCampaignBody,
  Fan,
  FanList,
  FanListQuery,
  JoinBody,
  JoinResult,
} from '../schemas/campaigns';
import { ProblemSchema } from '../schemas/common';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });
const common = {
  401: problem('Missing, unknown or revoked API key'),
  404: problem('No such campaign in this app'),
  422: problem('Invalid input, with a pointer per field'),
};
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

const createRouteDef = createRoute({
  method: 'post',
  path: '/v1/campaigns',
  tags: ['campaigns'],
  summary: 'Create a campaign: actions every fan gets, now, at a moment, or at each fan’s local midnight',
  middleware: [requireJson] as const,
  request: { body: body(CreateCampaignBody) },
  responses: { 201: json('The campaign, scheduled', Campaign), ...common },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/campaigns',
  tags: ['campaigns'],
  summary: "The app's campaigns, newest first",
  request: { query: CampaignListQuery },
  responses: { 200: json('A page of campaigns', CampaignList), ...common },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/campaigns/{id}',
  tags: ['campaigns'],
  summary: 'A campaign: status, counts by fan status and by action, the estimate of the end, the resolved release',
  request: { params: CampaignPath },
  responses: { 200: json('The campaign', Campaign), ...common },
});

const cancelRoute = createRoute({
  method: 'delete',
  path: '/v1/campaigns/{id}',
  tags: ['campaigns'],
  summary: 'Cancel what has not run (fans already running finish)',
  request: { params: CampaignPath },
  responses: { 200: json('The campaign, cancelled', Campaign), ...common },
});

const retryRoute = createRoute({
  method: 'post',
  path: '/v1/campaigns/{id}/retry',
  tags: ['campaigns'],
  summary: 'Run failed, partly done and deferred fans again, now (only what did not happen)',
  request: { params: CampaignPath },
  responses: { 200: json('How many fans run again', z.object({ retried: z.number().int() })), ...common, 409: problem('The campaign is cancelled') },
});

const joinRoute = createRoute({
  method: 'put',
  path: '/v1/campaigns/{id}/fans/{user}',
  tags: ['campaigns'],
  summary: 'A fan joins (connected to every provider the actions use); joining again changes nothing',
  request: { params: CampaignFanPath, body: { required: false, content: { 'application/json': { schema: JoinBody } } } },
  responses: {
    200: json('Already a fan: as it stands', Fan),
    201: json('Joined', Fan),
    ...common,
    409: problem('fan-not-connected (with the connect route for each provider), campaign-closed or campaign-full'),
  },
});

const bulkJoinRoute = createRoute({
  method: 'post',
  path: '/v1/campaigns/{id}/fans',
  tags: ['campaigns'],
  summary: 'Many fans join at once; each one not connected is refused with what to connect',
  middleware: [requireJson] as const,
  request: { params: CampaignPath, body: body(BulkJoinBody) },
  responses: { 200: json('Who joined, who already was, who was refused and why', JoinResult), ...common, 409: problem('The campaign is cancelled') },
});

const fanRoute = createRoute({
  method: 'get',
  path: '/v1/campaigns/{id}/fans/{user}',
  tags: ['campaigns'],
  summary: "One fan's outcome, with every item's result",
  request: { params: CampaignFanPath },
  responses: { 200: json('The fan', Fan), ...common },
});

const leaveRoute = createRoute({
  method: 'delete',
  path: '/v1/campaigns/{id}/fans/{user}',
  tags: ['campaigns'],
  summary: 'A fan leaves, until it has run',
  request: { params: CampaignFanPath },
  responses: { 204: { description: 'Left' }, ...common, 409: problem('fan-already-ran') },
});

const fansRoute = createRoute({
  method: 'get',
  path: '/v1/campaigns/{id}/fans',
  tags: ['campaigns'],
  summary: 'Fans and their outcomes, in user order, a page at a time; `status` picks one kind',
  request: { params: CampaignPath, query: FanListQuery },
  responses: { 200: json('A page of fans', FanList), ...common },
});

export const campaigns = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

campaigns.openapi(createRouteDef, async (c) => c.json(await createCampaign(c.env, c.get('appId'), c.req.valid('json')), 201));

campaigns.openapi(listRoute, async (c) => {
  const { limit, cursor } = c.req.valid('query');
  return c.json(await listCampaigns(c.env, c.get('appId'), limit, cursor), 200);
});

campaigns.openapi(getRoute, async (c) => c.json(await campaignView(c.env, c.get('appId'), c.req.valid('param').id), 200));

campaigns.openapi(cancelRoute, async (c) => c.json(await cancelCampaign(c.env, c.get('appId'), c.req.valid('param').id), 200));

campaigns.openapi(retryRoute, async (c) => c.json(await retryCampaign(c.env, c.get('appId'), c.req.valid('param').id), 200));

campaigns.openapi(joinRoute, async (c) => {
  const { id, user } = c.req.valid('param');
  // The body is optional: a fan with no time zone runs at 00:00 UTC for local midnight.
  const timezone = (c.req.valid('json') as { timezone?: string } | undefined)?.timezone;
  const { created, fan } = await joinFan(c.env, c.get('appId'), id, { user, ...(timezone ? { timezone } : {}) });
  return created ? c.json(fan, 201) : c.json(fan, 200);
});

campaigns.openapi(bulkJoinRoute, async (c) => c.json(await joinFans(c.env, c.get('appId'), c.req.valid('param').id, c.req.valid('json').fans), 200));

campaigns.openapi(fanRoute, async (c) => {
  const { id, user } = c.req.valid('param');
  return c.json(await fanOf(c.env, c.get('appId'), id, user), 200);
});

campaigns.openapi(leaveRoute, async (c) => {
  const { id, user } = c.req.valid('param');
  await leaveCampaign(c.env, c.get('appId'), id, user);
  return c.body(null, 204);
});

campaigns.openapi(fansRoute, async (c) => {
  const { id } = c.req.valid('param');
  return c.json(await listFans(c.env, c.get('appId'), id, c.req.valid('query')), 200);
});
