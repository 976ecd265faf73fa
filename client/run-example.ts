// `npm run example`: runs client/example.ts against a running `npm start` (same PORT), as the
// demo app's user. CROSSFOLLOW_URL, CROSSFOLLOW_API_KEY and CROSSFOLLOW_USER point it elsewhere.
import { followAndList } from './example.js';

const baseUrl = process.env.CROSSFOLLOW_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`;
const apiKey = process.env.CROSSFOLLOW_API_KEY ?? 'demo-key';
const user = process.env.CROSSFOLLOW_USER ?? 'demo';

try {
  console.log(JSON.stringify(await followAndList(baseUrl, apiKey, user), null, 2));
} catch (err) {
  const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
  console.error(`example failed against ${baseUrl}: ${err instanceof Error ? err.message : String(err)}${cause}. Is \`npm start\` running on that port?`);
  process.exitCode = 1;
}
