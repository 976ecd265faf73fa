// Who a token belongs to, in the sandbox. A provider user is named by the part of a token after
// its last `.` when that part is a short name (`demo-spotify-access.demo` and
// `demo-spotify-refresh.demo` are both user `demo`, so a refresh keeps the same world); any other
// token is a user of its own, named by a hash of it (never the token or a piece of it: names show
// up in answers), which keeps every test's imported tokens apart. Tokens the mock mints carry the
// user on, and an authorization code names a fresh user (one consent, one listener).
// docs/sandbox.md has the rules.

/** FNV-1a, 64 bit: a stable, well-spread number from a string (not for security). */
export function hash64(text) {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` base62 characters derived from `seed`: ids that look like the provider's. */
export function base62(seed, length) {
  let out = '';
  let h = hash64(seed);
  for (let round = 0; out.length < length; round++) {
    if (h === 0n) h = hash64(`${seed}#${round}`);
    out += ALPHABET[Number(h % 62n)];
    h /= 62n;
  }
  return out;
}

/** The provider user a token (access, refresh or code) belongs to. */
export function userOfToken(token) {
  const name = token.slice(token.lastIndexOf('.') + 1);
  // A JWT's last part is a signature, not a name: only a short name-like suffix names a user.
  return token.includes('.') && /^[A-Za-z0-9_-]{1,32}$/.test(name) ? name : `listener${base62(token, 10)}`;
}

let minted = 0;

/** A new token of `kind` (`at`, `rt`) for `user`; the user rides after the last `.`. */
export function mintToken(kind, user) {
  minted += 1;
  return `mock-${kind}-${minted}-${Math.random().toString(36).slice(2, 10)}.${user}`;
}

/** A consent page's code: a new listener each time. */
export function mintCode() {
  const user = `listener${Math.random().toString(36).slice(2, 8)}`;
  return `mock-code-${Math.random().toString(36).slice(2, 12)}.${user}`;
}

/**
 * A user's id at each provider: Spotify ids are usernames (kept as given when they fit), X ids
 * 19 digits at most, Audius ids short hash ids.
 */
export function providerIdOf(provider, user) {
  if (provider === 'spotify') return /^[0-9A-Za-z._-]{1,64}$/.test(user) ? user : `u${base62(user, 20)}`;
  if (provider === 'x') return `1${(hash64(`x:${user}`) % 10n ** 17n).toString().padStart(17, '0')}`;
  return `u${base62(`audius:${user}`, 6)}`;
}

/**
 * Sandbox users bound to the id they act as (X and Audius name the acting user in the path or
 * `user_id`). A user's first such write binds it, so a connection imported with its own
 * `provider_user_id` acts as that id, with every token of that user: the refreshed ones too.
 * Writing as another id after that is refused, as the providers do.
 */
const bound = new Map();

/** The id sandbox `user` acts as at `provider`: the one it is bound to, else its own. */
export function idOfUser(provider, user) {
  return bound.get(`${provider} ${user}`) ?? providerIdOf(provider, user);
}

export const idOfToken = (provider, token) => idOfUser(provider, userOfToken(token));

/** Binds `token`'s user to `id` on its first write; false when it is bound to another id. */
export function actAs(provider, token, id) {
  const key = `${provider} ${userOfToken(token)}`;
  if (!bound.has(key)) bound.set(key, id);
  return bound.get(key) === id;
}

/** Forgets one user's binding (`provider` and `user`), or all of them. */
export function unbind(provider, user) {
  if (provider && user) bound.delete(`${provider} ${user}`);
  else bound.clear();
}
