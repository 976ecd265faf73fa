// Compares a project contract with the upstream's published document, operation by operation.
// Pure functions over parsed documents, so the comparison itself is unit-tested.

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Follows local `$ref`s (`#/components/...`) within one document. */
export function deref(doc, node, seen = new Set()) {
  if (!node || typeof node !== 'object' || !('$ref' in node)) return node;
  const ref = node.$ref;
  if (seen.has(ref) || !ref.startsWith('#/')) return node;
  seen.add(ref);
  const target = ref
    .slice(2)
    .split('/')
    .reduce((acc, key) => acc?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  return deref(doc, target, seen);
}

function params(doc, pathItem, op) {
  const all = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].map((p) => deref(doc, p));
  return new Map(all.map((p) => [`${p.in}:${p.name}`, p]));
}

/** The most items a parameter allows: `maxItems`, a `{0,N}` repetition in its pattern, or "maximum N" in its description. */
export function declaredMax(doc, param) {
  const schema = deref(doc, param.schema) ?? {};
  if (schema.type === 'integer' || schema.type === 'number') return undefined;
  if (schema.pattern === '^[^,]+$') return 1;
  if (typeof schema.maxItems === 'number') return schema.maxItems;
  const rep = /\{0,(\d+)\}\)?\$?$/.exec(schema.pattern ?? '');
  if (rep) return Number(rep[1]) + 1;
  const text = `${param.description ?? ''} ${schema.description ?? ''}`;
  const said = /maximum(?:\s+of)?:?\s*(\d+)/i.exec(text);
  return said ? Number(said[1]) : undefined;
}

function schemaType(doc, schema) {
  const s = deref(doc, schema) ?? {};
  return Array.isArray(s.type) ? s.type.filter((t) => t !== 'null').join('|') : s.type;
}

function successCodes(op) {
  return Object.keys(op.responses ?? {})
    .filter((c) => /^2\d\d$/.test(c))
    .sort()
    .join(',');
}

function scopes(op, doc) {
  const sec = op.security ?? doc.security ?? [];
  return [...new Set(sec.flatMap((req) => Object.values(req).flat()))].sort().join(' ');
}

/**
 * @returns {{ operations: {method: string, path: string}[], mismatches: string[] }}
 */
export function compareContracts(ours, reference) {
  const mismatches = [];
  const operations = [];
  const tokenPaths = new Set(Object.keys(ours.paths ?? {}).filter((path) => isTokenPath(ours, reference, path)));
  if (tokenPaths.size) {
    const token = compareTokenEndpoint({ ...ours, paths: Object.fromEntries([...tokenPaths].map((p) => [p, ours.paths[p]])) }, reference);
    operations.push(...token.operations);
    mismatches.push(...token.mismatches);
  }
  for (const [path, item] of Object.entries(ours.paths ?? {})) {
    if (tokenPaths.has(path)) continue;
    const refItem = reference.paths?.[path];
    for (const method of METHODS.filter((m) => item[m])) {
      const where = `${method.toUpperCase()} ${path}`;
      operations.push({ method: method.toUpperCase(), path });
      const op = item[method];
      const refOp = refItem?.[method];
      if (!refOp) {
        mismatches.push(`${where}: not in the reference`);
        continue;
      }
      if (op.operationId !== refOp.operationId) mismatches.push(`${where}: operationId ${op.operationId} ≠ reference ${refOp.operationId}`);
      if (Boolean(op.deprecated) !== Boolean(refOp.deprecated))
        mismatches.push(`${where}: deprecated ${Boolean(op.deprecated)} ≠ reference ${Boolean(refOp.deprecated)}`);
      const mine = params(ours, item, op);
      const theirs = params(reference, refItem, refOp);
      for (const [key, p] of mine) {
        const r = theirs.get(key);
        if (!r) {
          mismatches.push(`${where}: parameter ${key} not in the reference`);
          continue;
        }
        if (Boolean(p.required) !== Boolean(r.required))
          mismatches.push(`${where}: parameter ${key} required ${Boolean(p.required)} ≠ reference ${Boolean(r.required)}`);
        const [t1, t2] = [schemaType(ours, p.schema), schemaType(reference, r.schema)];
        if (t1 !== t2) mismatches.push(`${where}: parameter ${key} type ${t1} ≠ reference ${t2}`);
        const [s1, s2] = [deref(ours, p.schema) ?? {}, deref(reference, r.schema) ?? {}];
        for (const bound of ['minimum', 'maximum', 'default']) {
          if (s1[bound] !== s2[bound]) mismatches.push(`${where}: parameter ${key} ${bound} ${s1[bound]} ≠ reference ${s2[bound]}`);
        }
        // A reference without an enum may still list the valid values in its description.
        const allowed = s2.enum ?? [...`${r.description ?? ''} ${s2.description ?? ''}`.matchAll(/`([\w-]+)`/g)].map((m) => m[1]);
        if (s1.enum && !s1.enum.every((v) => allowed.includes(v)))
          mismatches.push(`${where}: parameter ${key} enum [${s1.enum}] not within reference [${allowed}]`);
        const [m1, m2] = [declaredMax(ours, p), declaredMax(reference, r)];
        if (m2 !== undefined && m1 !== m2) mismatches.push(`${where}: parameter ${key} allows ${m1 ?? 'unbounded'} items, reference ${m2}`);
      }
      for (const [key, r] of theirs) {
        if (r.required && !mine.has(key)) mismatches.push(`${where}: required parameter ${key} missing`);
      }
      const body = deref(ours, op.requestBody);
      const refBody = deref(reference, refOp.requestBody);
      if (Boolean(body) !== Boolean(refBody))
        mismatches.push(`${where}: request body ${body ? 'present' : 'absent'}, reference ${refBody ? 'present' : 'absent'}`);
      else if (
        body &&
        Object.keys(body.content ?? {})
          .sort()
          .join() !==
          Object.keys(refBody.content ?? {})
            .sort()
            .join()
      )
        mismatches.push(`${where}: request body media types differ`);
      if (successCodes(op) !== successCodes(refOp)) mismatches.push(`${where}: success status ${successCodes(op)} ≠ reference ${successCodes(refOp)}`);
      if (scopes(op, ours) !== scopes(refOp, reference)) mismatches.push(`${where}: scopes "${scopes(op, ours)}" ≠ reference "${scopes(refOp, reference)}"`);
    }
  }
  return { operations, mismatches };
}

/** The reference's OAuth token URLs, made absolute against its server (Audius gives a relative one). */
function tokenUrls(reference) {
  const base = reference.servers?.[0]?.url ?? 'https://invalid.example';
  return Object.values(reference.components?.securitySchemes ?? {})
    .flatMap((s) => Object.values(s.flows ?? {}))
    .map((f) => f.tokenUrl)
    .filter(Boolean)
    .map((u) => new URL(u, base).toString());
}

/** The token endpoint and its siblings on the authorization server (revoke): `…/oauth2/*`. */
function isTokenPath(ours, reference, path) {
  if (reference.paths?.[path]) return false;
  const url = (ours.servers?.[0]?.url ?? '') + path;
  return tokenUrls(reference).some((t) => t === url || t.slice(0, t.lastIndexOf('/') + 1) === url.slice(0, url.lastIndexOf('/') + 1));
}

/** A token endpoint has no operation in the reference: its URL must be the reference's OAuth tokenUrl. */
export function compareTokenEndpoint(ours, reference) {
  const urls = tokenUrls(reference);
  const server = ours.servers?.[0]?.url ?? '';
  const mismatches = [];
  const operations = [];
  for (const [path, item] of Object.entries(ours.paths ?? {})) {
    for (const method of METHODS.filter((m) => item[m])) {
      operations.push({ method: method.toUpperCase(), path });
      if (method !== 'post') mismatches.push(`${method.toUpperCase()} ${path}: token endpoints are POST`);
      const url = server + path;
      const sibling = urls.some((t) => t.slice(0, t.lastIndexOf('/') + 1) === url.slice(0, url.lastIndexOf('/') + 1));
      if (!urls.includes(url) && !sibling)
        mismatches.push(`${method.toUpperCase()} ${path}: ${url} is not the reference tokenUrl (${urls.join(', ')}) or beside it`);
      const types = Object.keys(item[method].requestBody?.content ?? {});
      const expected = ours['x-token-media-type'] ?? 'application/x-www-form-urlencoded';
      if (!types.includes(expected))
        mismatches.push(
          `${method.toUpperCase()} ${path}: the token request body must be ${expected} (x-token-media-type), not ${types.join(', ') || 'absent'}`,
        );
    }
  }
  return { operations, mismatches };
}
