// The dashboard in real headless Chromium, against `npm start`: sign in with the demo key, watch a
// campaign of the demo fans run to the end, see the fan whose consent lapsed, and check that the
// page asks nothing of any other origin, logs no error and puts no secret in a URL.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watch } from './browser';
import { root, type Sandbox, startSandbox } from './sandbox-process';

const SECRETS = ['demo-key', 'local-admin-token'];
// UPDATE_SCREENSHOTS=1 writes the pictures docs/dashboard.md and the README show; else reports/.
const shots = process.env.UPDATE_SCREENSHOTS === '1' ? join(root, 'docs') : join(root, 'reports/dashboard');

let sandbox: Sandbox;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let report: ReturnType<typeof watch>;

/** The campaign card's bar, as its data attributes say. */
async function bar(id: string) {
  const el = page.locator(`article.campaign[data-campaign-id="${id}"] .progress`);
  if ((await el.count()) === 0) return null;
  const read = async (name: string) => Number(await el.getAttribute(`data-${name}`));
  return { done: await read('done'), failed: await read('failed'), fans: await read('fans'), pending: await read('pending') };
}

beforeAll(async () => {
  // Spotify paced at 4 calls a second: 20 fans × 2 calls take ~10 s, long enough to watch.
  sandbox = await startSandbox({ SPOTIFY_RATE: '4' });
  mkdirSync(shots, { recursive: true });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  report = watch(page, sandbox.api);
});

afterAll(async () => {
  await browser?.close();
  sandbox?.kill();
});

describe('the dashboard, in headless Chromium', () => {
  it('signs in with the demo key from the keyboard, and keeps no key where script or a URL could see it', async () => {
    await page.goto(`${sandbox.api}/dashboard`, { waitUntil: 'networkidle' });
    await page.getByLabel('App API key').focus();
    await page.keyboard.type('demo-key');
    await page.keyboard.press('Tab');
    await page.keyboard.type('local-admin-token');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${sandbox.api}/dashboard`);
    await page.locator('#campaigns').waitFor();
    const cookies = await context.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path])).toEqual([['crossfollow_session', true, 'Strict', '/dashboard']]);
    expect(await page.evaluate('document.cookie')).toBe('');
    expect(await page.evaluate('JSON.stringify({ ...sessionStorage, ...localStorage })')).not.toMatch(/demo-key|local-admin-token/);
  });

  it('lists the fan whose consent lapsed as reauth_required, with the call that sends them back', async () => {
    const connections = page.locator('#connections');
    await connections.getByText('fan-lapsed').first().waitFor({ timeout: 15_000 });
    const text = (await connections.textContent()) ?? '';
    expect(text).toMatch(/reauth.required/i);
    expect(text).toContain('/v1/connections/spotify/authorize');
    expect(text).toContain('fan-expiring');
    await connections.screenshot({ path: join(shots, 'dashboard-connections.png') });
  });

  it('shows the demo campaign run to completion, its progress bar moving on the way', async () => {
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${sandbox.api}${path}`, { method, headers: { authorization: 'Bearer demo-key', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = await api('POST', '/v1/campaigns', {
      name: 'Release day: pre-save and follow',
      actions: [
        { provider: 'spotify', op: 'save', upc: '00602445798029' },
        { provider: 'spotify', op: 'follow', type: 'artist', ids: ['0TnOYISbd1XYRBk9myaseg'] },
      ],
      run: { mode: 'at', at: new Date(Date.now() + 5000).toISOString() },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const joined = await api('POST', `/v1/campaigns/${id}/fans`, { fans: Array.from({ length: 20 }, (_, i) => ({ user: `fan-${i + 1}` })) });
    expect(joined.status).toBe(200);

    const seen = new Set<number>();
    let shot = false;
    const deadline = Date.now() + 90_000;
    let last = await bar(id);
    while (Date.now() < deadline) {
      last = await bar(id);
      if (last) {
        const finished = last.done + last.failed;
        seen.add(finished);
        if (!shot && finished >= 6 && finished <= 16) {
          await page.locator(`article.campaign[data-campaign-id="${id}"]`).screenshot({ path: join(shots, 'dashboard-campaign.png') });
          shot = true;
        }
        const status = await page.locator(`article.campaign[data-campaign-id="${id}"]`).getAttribute('data-status');
        if (status === 'completed') break;
      }
      await page.waitForTimeout(200);
    }
    // Read again: the card may have been updated between reading its bar and its status.
    last = await bar(id);
    expect(last, JSON.stringify([...seen])).toMatchObject({ done: 20, failed: 0, fans: 20, pending: 0 });
    expect(await page.locator(`article.campaign[data-campaign-id="${id}"]`).getAttribute('data-status')).toBe('completed');
    // Moving: seen part-way, not only at 0 and at the end.
    expect([...seen].filter((n) => n > 0 && n < 20).length, JSON.stringify([...seen])).toBeGreaterThanOrEqual(2);
    const card = (await page.locator(`article.campaign[data-campaign-id="${id}"]`).textContent()) ?? '';
    expect(card).toContain('00602445798029');
    expect(shot).toBe(true);
  });

  it('shows the operator each provider, with its chart', async () => {
    const providers = page.locator('#providers');
    await providers
      .getByText(/spotify/i)
      .first()
      .waitFor();
    expect(await providers.locator('canvas').count()).toBeGreaterThanOrEqual(1);
    await providers.screenshot({ path: join(shots, 'dashboard-providers.png') });
  });

  it('fits a 375 px screen with no sideways scroll, and turns dark with the system', async () => {
    const narrow = await context.newPage();
    const narrowReport = watch(narrow, sandbox.api);
    await narrow.setViewportSize({ width: 375, height: 800 });
    await narrow.goto(`${sandbox.api}/dashboard`, { waitUntil: 'networkidle' });
    await narrow.locator('article.campaign').first().waitFor();
    expect(await narrow.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await narrow.screenshot({ path: join(shots, 'dashboard-narrow.png') });
    const background = async () => (await narrow.evaluate('getComputedStyle(document.body).backgroundColor')) as string;
    const light = await background();
    await narrow.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    expect(dark).not.toBe(light);
    const luminance = (rgb: string) => (rgb.match(/\d+/g) ?? []).slice(0, 3).reduce((n, v) => n + Number(v), 0);
    expect(luminance(dark)).toBeLessThan(luminance(light));
    await narrow.close();
    expect(narrowReport.problems).toEqual([]);
  });

  it('logged no error, asked nothing of any other origin, and put no secret in any URL', () => {
    expect(report.problems).toEqual([]);
    expect(report.offOrigin).toEqual([]);
    expect(report.urls.length).toBeGreaterThan(10);
    for (const url of [...report.urls, page.url()]) for (const secret of SECRETS) expect(url).not.toContain(secret);
  });
});
