/**
 * A watch over every test run: it learns each secret the worker is given or handles (API keys,
 * admin token, key material, client secrets, every access and refresh token sent to or received
 * from a provider, PKCE verifiers, webhook secrets) and checks that none appears in anything the
 * worker puts out (responses, log lines, outbound webhooks). Kept on globalThis so the worker
 * entry (scanned-worker.ts) and the test files' hooks share it within the isolate.
 */
export interface Leak {
  where: string;
  secret: string;
}

interface ScanState {
  secrets: Set<string>;
  /** Output seen so far, rescanned at the end against secrets learned after it was written. */
  outputs: { where: string; text: string }[];
  leaks: Leak[];
  responses: number;
}

const SHORTEST = 8;

export function scanState(): ScanState {
  const g = globalThis as { __crossfollowScan?: ScanState };
  g.__crossfollowScan ??= { secrets: new Set(), outputs: [], leaks: [], responses: 0 };
  return g.__crossfollowScan;
}

/** A secret, as it would appear in text; short values are skipped (they would match by chance). */
export function learn(value: unknown): void {
  if (typeof value !== 'string' || value.length < SHORTEST) return;
  scanState().secrets.add(value);
}

/** Field names whose values are secrets wherever they appear (JSON bodies, forms). */
const SECRET_FIELDS = ['access_token', 'refresh_token', 'code_verifier', 'client_secret', 'api_key', 'secret', 'event_secret', 'action_secret'];
/** In forms (token requests, OAuth callbacks) only: elsewhere `code` names error codes. */
const FORM_SECRET_FIELDS = [...SECRET_FIELDS, 'code'];

/** Learns secret fields from a JSON or form body, however deep. */
export function learnFields(text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    learnForm(new URLSearchParams(text));
    return;
  }
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) walk(child);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [name, value] of Object.entries(node)) {
      if (SECRET_FIELDS.includes(name) || (typeof value === 'string' && value.startsWith('whsec_'))) learn(value);
      else walk(value);
    }
  };
  walk(parsed);
}

/** Learns secret fields of a form or a query string (an OAuth callback's `code`, say). */
export function learnForm(params: URLSearchParams): void {
  for (const [name, value] of params) if (FORM_SECRET_FIELDS.includes(name)) learn(value);
}

/** The credential of an Authorization header (Bearer or Basic), and for Basic its secret half. */
export function learnAuthorization(header: string | null): void {
  if (!header) return;
  const [scheme, credential] = header.split(' ');
  learn(credential);
  if (scheme?.toLowerCase() === 'basic' && credential) {
    try {
      learn(atob(credential).split(':')[1]);
    } catch {
      // Not base64: the credential itself is already learned.
    }
  }
}

/** Whether `text` holds `secret` as it is or URL-encoded (base64 keys hold +, / and =). */
function holds(text: string, secret: string): boolean {
  return text.includes(secret) || text.includes(encodeURIComponent(secret));
}

/** Checks output against every secret known now; `later` keeps it for the final rescan. */
export function inspect(where: string, text: string, later = true): void {
  const state = scanState();
  for (const secret of state.secrets) if (holds(text, secret)) state.leaks.push({ where, secret: `${secret.slice(0, 4)}…` });
  if (later) state.outputs.push({ where, text });
}

/** Rescans all output against every secret learned by now; returns the leaks (deduplicated). */
export function finalLeaks(): Leak[] {
  const state = scanState();
  for (const { where, text } of state.outputs) {
    for (const secret of state.secrets) if (holds(text, secret)) state.leaks.push({ where, secret: `${secret.slice(0, 4)}…` });
  }
  state.outputs = [];
  const seen = new Set<string>();
  return state.leaks.filter((l) => !seen.has(`${l.where}|${l.secret}`) && seen.add(`${l.where}|${l.secret}`));
}
