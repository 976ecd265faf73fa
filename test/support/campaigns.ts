/** What the campaign tests share: creating, joining and waiting on campaigns through the public API. */
import { call, connect, unique } from './helpers';

export const ARTIST = '0TnOYISbd1XYRBk9myaseg';
export const UPC = '00602445798029';

export interface CampaignJson {
  id: string;
  status: string;
  starts_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  estimated_end_at: string | null;
  counts: Record<string, number>;
  releases: { state: string; item: { id: string } | null; searches: number; reason: string | null; next_search_at: string | null }[];
  by_action: { action: number; done: number; failed: number; pending: number }[];
  failures: { reason: string; fans: number }[];
  verified: { verified: number; unverified: number; waiting: number } | null;
  per_minute: { minute: string; done: number; partly_done: number; failed: number }[];
}

export interface FanJson {
  user: string;
  status: string;
  reason: string | null;
  run_at: string;
  attempts: number;
  verified: boolean | null;
  actions: { action: number; status: string; results: { id: string; status: string; verified?: boolean; problem?: { type: string } }[] }[];
}

export async function json<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export async function createCampaign(key: string, body: unknown): Promise<CampaignJson> {
  return json<CampaignJson>(await call(key, 'POST', '/v1/campaigns', body), 201);
}

export async function joinAll(
  key: string,
  id: string,
  users: string[],
  timezone?: string,
): Promise<{ joined: string[]; already: string[]; refused: unknown[] }> {
  const out = { joined: [] as string[], already: [] as string[], refused: [] as unknown[] };
  for (let i = 0; i < users.length; i += 500) {
    const fans = users.slice(i, i + 500).map((user) => ({ user, ...(timezone ? { timezone } : {}) }));
    const page = await json<typeof out>(await call(key, 'POST', `/v1/campaigns/${id}/fans`, { fans }), 200);
    out.joined.push(...page.joined);
    out.already.push(...page.already);
    out.refused.push(...page.refused);
  }
  return out;
}

export const campaign = async (key: string, id: string) => json<CampaignJson>(await call(key, 'GET', `/v1/campaigns/${id}`), 200);
export const fan = async (key: string, id: string, user: string) => json<FanJson>(await call(key, 'GET', `/v1/campaigns/${id}/fans/${user}`), 200);

/** Polls the campaign until `done` holds, or fails with its last state. */
export async function until(key: string, id: string, done: (c: CampaignJson) => boolean, ms = 20_000, every = 200): Promise<CampaignJson> {
  const end = Date.now() + ms;
  let last: CampaignJson | null = null;
  while (Date.now() < end) {
    last = await campaign(key, id);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`campaign never got there: ${JSON.stringify(last)}`);
}

/** `n` fans connected to Spotify, each its own sandbox user; user → access token. */
export async function spotifyFans(key: string, n: number, prefix = unique('fan')): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const user = `${prefix}-${i}`;
      out.set(user, await connect(key, user, { access_token: `at-${unique('t')}.${user}` }));
    }),
  );
  return out;
}
