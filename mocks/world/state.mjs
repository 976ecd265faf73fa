// What each provider user has done in the sandbox: whom they follow, what they saved and when.
// One world per provider and provider user id, kept in this process only: restarting the mocks
// starts every user from nothing again. `reset` empties one user or everything.

/** provider → provider user id → world. */
const worlds = new Map();

function worldOf(provider, userId) {
  if (!worlds.has(provider)) worlds.set(provider, new Map());
  const byUser = worlds.get(provider);
  if (!byUser.has(userId)) byUser.set(userId, { user: userId, follows: new Map(), saved: new Map(), pending: new Map() });
  return byUser.get(userId);
}

const keyOf = (type, id) => `${type}:${id}`;

/** Entries (in the order they were made) newest first; ties (the same second) keep the later-made first. */
const newestFirst = (entries) => [...entries].reverse().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));

/** A time as the providers write it: ISO 8601 to the second, in UTC (`2023-01-15T14:30:00Z`). */
const secondsOf = (at) => new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A relation of one user (`follows`, `saved` or `pending`): add is idempotent and keeps the
 * first time, as the providers do for a repeated follow or save.
 */
export function relation(provider, userId, name) {
  const map = worldOf(provider, userId)[name];
  return {
    has: (type, id) => map.has(keyOf(type, id)),
    add(type, id, at = new Date()) {
      if (!map.has(keyOf(type, id))) map.set(keyOf(type, id), { type, id, at: secondsOf(at) });
    },
    remove: (type, id) => map.delete(keyOf(type, id)),
    /** Entries of these types, newest first (ties in the order they were made, newest first). */
    list(types) {
      const wanted = new Set(types);
      const entries = [...map.values()].filter((e) => wanted.has(e.type));
      return newestFirst(entries);
    },
  };
}

/**
 * Who follows `id`: the sandbox users whose `follows` hold it, newest first, then `seeded` (the
 * catalogue users who follow everyone), each once.
 */
export function followerIdsOf(provider, id, seeded = []) {
  const made = [];
  for (const world of worlds.get(provider)?.values() ?? []) {
    const entry = world.follows.get(keyOf('user', id));
    if (entry) made.push({ id: world.user, at: entry.at });
  }
  return [...new Set([...newestFirst(made).map((f) => f.id), ...seeded])];
}

/** One user's world as JSON, for `GET /__mock/state`. */
export function snapshot(provider, userId) {
  const world = worldOf(provider, userId);
  const dump = (map) => [...map.values()].reverse();
  return { provider, user_id: userId, follows: dump(world.follows), saved: dump(world.saved), pending: dump(world.pending) };
}

/** Forgets one user's world (`provider` and `userId`), or every world. */
export function reset(provider, userId) {
  if (provider && userId) worlds.get(provider)?.delete(userId);
  else worlds.clear();
}
