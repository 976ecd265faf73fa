import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { readSettings, writeSettings } from '../../src/auth/settings';
import { DEMO, seedDemoSettings } from '../../src/dev/demo';
import { appsKv } from '../../src/storage/keys';

/** The worker as `npm start` gives it DEMO_WEBHOOK_URL (the tests' own worker has none). */
const demoEnv = () => ({ ...env, DEMO_WEBHOOK_URL: 'http://127.0.0.1:4014' });

describe("the demo app's event target (npm start only)", () => {
  beforeEach(() => env.APPS.delete(appsKv.settings(DEMO.app)));

  it('an app with no settings gets the receiver as webhook_url, and an event secret to sign with', async () => {
    await seedDemoSettings(demoEnv());
    const settings = await readSettings(env, DEMO.app);
    expect(settings.webhook_url).toBe('http://127.0.0.1:4014/events/demo-app');
    expect(settings.event_secrets).toHaveLength(1);
    expect(settings.event_secrets[0]).toMatch(/^whsec_/);
    // The first PUT …/settings makes and shows the action secret, as for any app.
    expect(settings.action_secrets).toEqual([]);
  });

  it('never overwrites what a user set, not even null', async () => {
    for (const webhook_url of ['https://hooks.example/mine', null]) {
      await writeSettings(env, DEMO.app, { return_to: [], webhook_url, event_secrets: [], action_secrets: [] });
      await seedDemoSettings(demoEnv());
      expect((await readSettings(env, DEMO.app)).webhook_url).toBe(webhook_url);
    }
  });

  it("follows the receiver to its new port when an earlier npm start seeded another, keeping the app's secrets", async () => {
    await seedDemoSettings({ ...env, DEMO_WEBHOOK_URL: 'http://127.0.0.1:4114' });
    const before = await readSettings(env, DEMO.app);
    await seedDemoSettings(demoEnv());
    const after = await readSettings(env, DEMO.app);
    expect(after.webhook_url).toBe('http://127.0.0.1:4014/events/demo-app');
    expect(after.event_secrets).toEqual(before.event_secrets);
  });

  it('without DEMO_WEBHOOK_URL (the tests, the bench) the demo app gets no settings', async () => {
    await seedDemoSettings(env);
    expect(await env.APPS.get(appsKv.settings(DEMO.app))).toBeNull();
  });
});
