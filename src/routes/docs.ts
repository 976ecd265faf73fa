import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { sameOriginPolicy } from '../http/csp';

/**
 * GET /docs: an interactive reference of /openapi.json. Its script and icon are static assets
 * built from the pinned npm package (scripts/assets.mjs), its fonts are the system's, and Scalar's
 * hosted AI agent (which calls scalar.com) is off: the page needs nothing but this worker, and its
 * Content-Security-Policy says so.
 */
export const docs = new Hono<AppEnv>();

const page = Scalar({
  url: '/openapi.json',
  pageTitle: 'crossfollow API',
  cdn: '/docs/scalar-api-reference.js',
  favicon: '/docs/favicon.svg',
  withDefaultFonts: false,
  agent: { disabled: true },
  defaultOpenAllTags: true,
  showDeveloperTools: 'never',
});

let policy: Promise<string> | undefined;

/**
 * Same-origin only. The one inline script (Scalar's start-up call with this page's settings) is
 * allowed by its hash; styles stay inline because Scalar themes the page through style attributes.
 */
async function policyFor(html: string): Promise<string> {
  const hashes: string[] = [];
  for (const [, body] of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body));
    hashes.push(`'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`);
  }
  return sameOriginPolicy({ script: hashes, style: ["'unsafe-inline'"] });
}

docs.get(
  '/docs',
  async (c, next) => {
    await next();
    // The page is the same for every request, so its policy is worked out once per isolate.
    policy ??= policyFor(await c.res.clone().text()).catch((err) => {
      policy = undefined; // a failure is not remembered: the next request tries again
      throw err;
    });
    c.header('content-security-policy', await policy);
  },
  page,
);
