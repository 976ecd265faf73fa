// The bench's baseline: a worker that does nothing, under the same `wrangler dev`, to tell the
// local runtime's own cost per request from crossfollow's.
export default { fetch: () => new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } }) };
