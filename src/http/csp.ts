/**
 * The Content-Security-Policy of a page this worker serves that loads nothing from anywhere else
 * (/docs, /dashboard): every source is this origin, no plugin, no framing, no <base>, and forms
 * post only here. A page adds what it must (a script's hash, inline styles) to its own directives.
 *
 * @example
 * c.header('content-security-policy', sameOriginPolicy({ script: ["'sha256-…'"] }));
 */
export function sameOriginPolicy(extra: { script?: string[]; style?: string[] } = {}): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...(extra.script ?? [])].join(' '),
    ["style-src 'self'", ...(extra.style ?? [])].join(' '),
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}
