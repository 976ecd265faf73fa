import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { problemOnInvalid } from '../http/validation';
import { listAppConnections, listDeliveries } from '../operations/app-views';
import { ProblemSchema } from '../schemas/common';
import { ConnectionIndexPage, ConnectionIndexQuery } from '../schemas/connections';
import { Deliveries, DeliveriesQuery } from '../schemas/events';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const common = { 401: problem('Missing, unknown or revoked API key'), 422: problem('Invalid query (`validation-error`)') };

const connectionsRoute = createRoute({
  method: 'get',
  path: '/v1/connections',
  tags: ['connections'],
  summary: "The app's connections counted by status, and the users to send back through consent (newest first)",
  request: { query: ConnectionIndexQuery },
  responses: { 200: { description: 'Counts and a page', content: { 'application/json': { schema: ConnectionIndexPage } } }, ...common },
});

const deliveriesRoute = createRoute({
  method: 'get',
  path: '/v1/events/deliveries',
  tags: ['events'],
  summary: "The app's last event deliveries to its webhook, with each failure's reason",
  request: { query: DeliveriesQuery },
  responses: { 200: { description: 'The last attempts', content: { 'application/json': { schema: Deliveries } } }, ...common },
});

/** App-wide views: all of an app's connections, all of its event deliveries. */
export const appViews = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

appViews.openapi(connectionsRoute, async (c) => c.json(await listAppConnections(c.env, c.get('appId'), c.req.valid('query')), 200));
appViews.openapi(deliveriesRoute, async (c) => c.json(await listDeliveries(c.env, c.get('appId'), c.req.valid('query')), 200));
