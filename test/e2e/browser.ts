import chromiumBinary from '@sparticuz/chromium';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Chromium's own switches for a headless run on a CI machine or a container. */
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'];

/**
 * Headless Chromium, driven by playwright-core with no browser download: `CHROMIUM_PATH` when set
 * (any Chromium you have), otherwise the one the @sparticuz/chromium devDependency ships, unpacked
 * into the temp directory on first use, so a machine with only Node runs this. Both get the
 * switches above, not @sparticuz/chromium's own list, which is for AWS Lambda and turns web
 * security off (--disable-web-security); the page is checked with it on. CSP is enforced either way.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || (await chromiumBinary.executablePath());
  return chromium.launch({ executablePath, args: ARGS, headless: true });
}

export interface PageReport {
  /** Console errors (CSP refusals among them), uncaught page errors, and requests that failed or answered 4xx/5xx. */
  problems: string[];
  /** Every request the page made to anywhere but its own origin (data: and blob: URLs aside). */
  offOrigin: string[];
  text: string;
}

/** What a page did, as it happens: its problems, its requests off `origin`, and every URL it asked for. */
export function watch(page: Page, origin: string): Omit<PageReport, 'text'> & { urls: string[] } {
  const report = { problems: [] as string[], offOrigin: [] as string[], urls: [] as string[] };
  page.on('request', (r) => {
    report.urls.push(r.url());
    const target = new URL(r.url());
    if (/^https?:$|^wss?:$/.test(target.protocol) && target.origin !== origin) report.offOrigin.push(r.url());
  });
  page.on('console', (m) => m.type() === 'error' && report.problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => report.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => report.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => r.status() >= 400 && report.problems.push(`${r.status()} ${r.url()}`));
  return report;
}

/** Opens `url`, waits until the network is idle and `ready` is on the page, and reports what went wrong. */
export async function visit(browser: Browser, url: string, ready: string, screenshot?: string): Promise<PageReport> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const { problems, offOrigin } = watch(page, new URL(url).origin);
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.getByText(ready).first().waitFor({ timeout: 30_000 });
  if (screenshot) await page.screenshot({ path: screenshot });
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a reader sees
  const text = await page.locator('body').innerText();
  await page.close();
  return { problems, offOrigin, text };
}
