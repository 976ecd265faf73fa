/**
 * The worker as the tests run it: src/dev/entry.ts unchanged, with the secret scan (secret-scan.ts)
 * watching its requests, responses, outbound calls and console. Production never loads this file.
 */
import worker from '../../src/dev/entry';
import type { Env } from '../../src/env';
import type { QueueMessages } from '../../src/queues/messages';
import { inspect, learn, learnAuthorization, learnFields, learnForm, scanState } from './secret-scan';

export { Campaign, ConnectionIndex, DeliveryLog, Governor, IdempotencyStore, OAuthState, TokenVault } from '../../src/dev/entry';

const watched = globalThis as { __crossfollowWatched?: boolean };
if (!watched.__crossfollowWatched) {
  watched.__crossfollowWatched = true;
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      inspect(`console.${level}`, args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '));
      original(...args);
    };
  }
  const originalFetch = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const body = request.body ? textOf(await request.clone().arrayBuffer()) : '';
    const path = new URL(request.url).pathname;
    if (request.headers.has('webhook-signature')) {
      // An outbound event: what the app receives is output, like a response.
      inspect(`event POST ${path}`, `${[...request.headers].join('\n')}\n${body}`);
    } else {
      // A call to a provider (or a test's own call to a mock): whatever it carries is secret.
      learnAuthorization(request.headers.get('authorization'));
      if (body) learnFields(body);
    }
    const response = await originalFetch(request);
    if (!request.headers.has('webhook-signature'))
      learnFields(
        textOf(
          await response
            .clone()
            .arrayBuffer()
            .catch(() => new ArrayBuffer(0)),
        ),
      );
    return response;
  };
}

const textOf = (bytes: ArrayBuffer) => new TextDecoder().decode(bytes);

function safeJson(value: unknown): string {
  try {
    return value instanceof Error ? `${value.name}: ${value.message}\n${value.stack ?? ''}` : JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function learnEnv(env: Env): void {
  learn(env.ADMIN_TOKEN);
  learn(env.SPOTIFY_CLIENT_SECRET);
  learn(env.X_CLIENT_SECRET);
  for (const entry of (env.TOKEN_KEYS ?? '').split(',')) learn(entry.split(':')[1]);
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    learnEnv(env);
    learnAuthorization(request.headers.get('authorization'));
    learnForm(new URL(request.url).searchParams);
    const sent = request.body ? textOf(await request.clone().arrayBuffer()) : '';
    if (sent) learnFields(sent);
    const response = await worker.fetch(request, env, ctx);
    const where = `${request.method} ${new URL(request.url).pathname} → ${response.status}`;
    const body = response.body ? textOf(await response.clone().arrayBuffer()) : '';
    const text = `${[...response.headers].join('\n')}\n${body}`;
    scanState().responses += 1;
    // The operator answers that show a new API key or webhook secret once, by design: checked
    // against the secrets known before them, and what they show is a secret from then on.
    const path = new URL(request.url).pathname;
    const showsOnce = (request.method === 'POST' && path === '/admin/apps') || (request.method === 'PUT' && /^\/admin\/apps\/[^/]+\/settings$/.test(path));
    inspect(where, text, !showsOnce);
    if (showsOnce) learnFields(body);
    return response;
  },
  queue: worker.queue,
} satisfies ExportedHandler<Env, QueueMessages[keyof QueueMessages]>;
