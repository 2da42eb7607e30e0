// Hostile input, property-based (fast-check): every operation of the OpenAPI document (the one
// docs/openapi.json is generated from, app.swagger()) is sent requests built from its own schema,
// mostly well-shaped (so handlers run, not only validation) and partly hostile: wrong types, huge
// strings, deep nesting, unicode edge cases (lone surrogates, NUL, RTL, combining marks),
// prototype-pollution keys, negative and huge numbers, forged cursors, bad content types, as each
// role (analyst, lead, merchant, tenant admin, platform admin, service) through Fastify's inject on
// the real app (routeApp: PGlite and PostgreSQL, embedded search/profiles/graph with seeded data).
// Every answer: never a 5xx; no stack trace, file path or store text (SQL, pg, sqlite…) in an
// error body; never the other tenant's data; a tenant the caller does not hold answers exactly as a
// tenant that does not exist (404). docs/threat-model.md I1, Z1.
//
// FUZZ_RUNS=<cases per operation and backend> (default 25: 2 backends × 48 operations × 25, ~2,400 cases); FUZZ_SEED to
// replay a failure (the seed is printed with it).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { RedoubtEvent } from '@redoubt/contracts';
import { RAISED_LIMITS, onPgliteAndPostgres, routeApp } from '../support/route-app.ts';
import type { RouteApp } from '../support/route-app.ts';
import type { Who } from '../support/identities.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** No request may take longer than this (a hang fails the case instead of the whole run). */
const INJECT_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------------------------
// The data: acme-shop, which every fuzzing identity holds, and globex-travel, which none does.
// Globex's customer carries a marker that must never appear in any answer.

const MARKER = 'zqglobexsecret';
const at = (minute: number) => new Date(Date.UTC(2026, 9, 1, 12, minute)).toISOString();
let eventNo = 0;
const base = (customerId: string, minute: number) => ({ eventId: `f${eventNo++}`, customerId, timestamp: at(minute) });
const ACME: RedoubtEvent[] = [
  { ...base('ann', 0), type: 'customer', customer: { name: 'Ann Archer', email: 'ann@example.com', country: 'GB' } },
  { ...base('bob', 1), type: 'customer', customer: { name: 'Bob Baker', email: 'bob@example.com', country: 'GB' } },
  { ...base('ann', 2), type: 'device', device: { deviceId: 'dev-shared', ipAddress: '81.2.69.160' } },
  { ...base('bob', 3), type: 'device', device: { deviceId: 'dev-shared' } },
  { ...base('bob', 4), type: 'score', score: { score: 95, action: 'PREVENT', source: 'model' } },
  { ...base('bob', 5), type: 'label', label: { label: 'FRAUDSTER', reviewer: 'lead@merchant.test' } },
  { ...base('ann', 6), type: 'order', order: { orderId: 'ord-1', price: 1000, currency: 'GBP' } },
  { ...base('ann', 7), type: 'score', score: { score: 55, action: 'REVIEW', source: 'model' } },
];
const GLOBEX: RedoubtEvent[] = [
  {
    ...base('ann', 0),
    type: 'customer',
    customer: { name: `Ann ${MARKER}`, email: `ann@${MARKER}.test`, country: 'FR' },
  },
  { ...base('ann', 1), type: 'device', device: { deviceId: 'dev-shared', ipAddress: '81.2.69.160' } },
  { ...base('gx', 2), type: 'customer', customer: { name: `Gx ${MARKER}`, email: `gx@${MARKER}.test` } },
  { ...base('gx', 3), type: 'device', device: { deviceId: 'dev-shared' } },
  { ...base('gx', 4), type: 'score', score: { score: 80, action: 'REVIEW', source: 'model' } },
];

const ROLES: Record<string, Who> = {
  analyst: { email: 'fuzz-analyst@redoubt.test', role: 'analyst', tenant: 'acme-shop' },
  lead: { email: 'fuzz-lead@redoubt.test', role: 'lead', tenant: 'acme-shop' },
  merchant: { email: 'fuzz-merchant@acme.test', role: 'merchant', tenant: 'acme-shop' },
  admin: { email: 'fuzz-admin@redoubt.test', role: 'admin', tenant: 'acme-shop' },
  platform: { email: 'fuzz-platform@redoubt.test', role: 'admin' },
  service: { email: 'fuzz-bot@merchant.test', role: 'service', tenant: 'acme-shop' },
};

// ---------------------------------------------------------------------------------------------
// Hostile values.

const HUGE = 'x'.repeat(70_000);
const hostileStrings = fc.constantFrom(
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  "' OR 1=1 --",
  "'; DROP TABLE notes; --",
  '"\\',
  '%00',
  '\u0000',
  '\uD800', // lone surrogate
  '\uDFFF\uD800',
  '\uFFFF\uFFFE',
  '\u202Eevil', // right-to-left override
  'e\u0301\u0301\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦'.repeat(50),
  '../../../etc/passwd',
  '${7*7}{{7*7}}',
  '<script>alert(1)</script>',
  'a'.repeat(129),
  'a'.repeat(5_000),
  HUGE,
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '9'.repeat(400),
  'true',
  'null',
  '[]',
  '{}',
  'eyJ0IjoxfQ', // base64url JSON that no server signed: a forged cursor
  'eyJ0IjoxfQ.AAAA',
  `${'A'.repeat(40)}.${'B'.repeat(43)}`,
  'ann',
  'gx',
  MARKER,
);
const anyString = fc.oneof(
  { weight: 3, arbitrary: hostileStrings },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 200, maxLength: 3_000 }) },
);
const hostileNumbers = fc.oneof(
  fc.constantFrom(-1, 0, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -(2 ** 31) - 1, 2 ** 53, 0.5, 1e-320),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
/** JSON text an object literal cannot hold: __proto__ and constructor.prototype as own keys. */
const POLLUTION = [
  '{"__proto__":{"polluted":"yes","isAdmin":true}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"a":1,"__proto__":{"polluted":"yes"}}',
];
const deep = (levels: number, open: string, close: string, leaf = '1') =>
  open.repeat(levels) + leaf + close.repeat(levels);
/** Raw JSON texts: deep nesting, pollution, broken JSON. */
const hostileJsonText = fc.constantFrom(
  ...POLLUTION,
  deep(5_000, '[', ']'),
  deep(3_000, '{"a":', '}'),
  deep(20_000, '[', ']'),
  '{"a":',
  '',
  'null',
  '"\\ud800"',
  '[1,2,',
  '\u0000',
  '{"a":1}{"b":2}',
  '1e999999',
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  anyString,
  hostileNumbers,
  fc.constant(null),
  fc.boolean(),
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(...POLLUTION).map((text) => JSON.parse(text) as unknown),
  fc.constant(JSON.parse(deep(300, '{"a":', '}')) as unknown),
  fc.array(anyString, { maxLength: 5 }),
);

// ---------------------------------------------------------------------------------------------
// Values from a route's JSON schema: mostly well-shaped, sometimes hostile at any level.

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
}

function shaped(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => shaped(s, depth + 1)));
  if (schema.allOf) return shaped(Object.assign({}, ...schema.allOf) as JsonSchema, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.format === 'email') return fc.emailAddress();
      if (schema.pattern) {
        const re = new RegExp(schema.pattern);
        return fc.stringMatching(re).filter((s) => s.length <= (schema.maxLength ?? 512));
      }
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 60) });
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(maybeHostile(schema.items, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, 8),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, s] of Object.entries(properties)) model[name] = maybeHostile(s, depth + 1);
      const keys = Object.keys(properties).filter((k) => required.has(k));
      return fc.record(model, { requiredKeys: keys });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function maybeHostile(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary: shaped(schema, depth) }, { weight: 1, arbitrary: hostileValue });
}

// ---------------------------------------------------------------------------------------------
// Requests.

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: { types: string[]; schema: JsonSchema | undefined };
}

interface Case {
  role: string;
  tenant: string;
  path: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  body?: { contentType: string | undefined; payload: string };
}

/** Percent-encodes every byte outside the unreserved set (lone surrogates become U+FFFD, as UTF-8 would). */
const encodeSegment = (value: string) =>
  [...Buffer.from(value, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9._~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');

const asText = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : (JSON.stringify(value) ?? String(value));

const TENANTS = fc.oneof(
  { weight: 8, arbitrary: fc.constant('acme-shop') },
  { weight: 2, arbitrary: fc.constant('globex-travel') },
  { weight: 1, arbitrary: fc.constant('nope-tenant') },
  { weight: 1, arbitrary: anyString },
);
const IDS = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('ann', 'bob', 'gx', 'nobody') },
  { weight: 2, arbitrary: anyString },
  { weight: 1, arbitrary: fc.uuid() },
);
const CONTENT_TYPES = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/x-ndjson',
      'application/xml',
      'application/json, text/plain',
      '*/*',
      'application/jsonx',
    ),
  },
);

function caseFor(op: Operation): fc.Arbitrary<Case> {
  const pathParams: Record<string, fc.Arbitrary<string>> = {};
  for (const p of op.parameters.filter((p) => p.in === 'path')) {
    pathParams[p.name] =
      p.name === 'tenant'
        ? TENANTS
        : fc.oneof({ weight: 3, arbitrary: IDS }, { weight: 1, arbitrary: shaped(p.schema).map(asText) });
  }
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const query = fc
    .tuple(
      fc.tuple(
        ...queryParams.map((p) =>
          fc.option(p.name === 'tenant' ? TENANTS : maybeHostile(p.schema), { freq: p.required ? 8 : 2 }),
        ),
      ),
      // Keys no route declares, pollution among them.
      fc.array(
        fc.tuple(fc.constantFrom('__proto__', 'constructor', 'constructor[prototype][x]', 'zzz', 'q[]'), anyString),
        {
          maxLength: 2,
        },
      ),
    )
    .map(([values, extra]) => {
      const pairs: [string, string][] = [];
      queryParams.forEach((p, i) => {
        const v = values[i];
        if (v === null || v === undefined) return;
        if (Array.isArray(v)) for (const item of v) pairs.push([p.name, asText(item)]);
        else pairs.push([p.name, asText(v)]);
      });
      return [...pairs, ...extra];
    });
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  const headers = fc.tuple(...headerParams.map((p) => fc.option(maybeHostile(p.schema).map(asText)))).map((values) => {
    const out: Record<string, string> = {};
    headerParams.forEach((p, i) => {
      const v = values[i];
      // A header value cannot carry control characters or non-Latin-1 text on the wire.
      if (typeof v === 'string' && /^[\t\x20-\x7e]*$/.test(v)) out[p.name] = v;
    });
    return out;
  });
  const body = op.body
    ? fc.oneof(
        {
          weight: 6,
          arbitrary: fc.record({
            contentType: CONTENT_TYPES,
            payload: maybeHostile(op.body.schema).map((v) => JSON.stringify(v) ?? 'null'),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({
            contentType: fc.constant<string | undefined>('application/json'),
            payload: hostileJsonText,
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({ contentType: CONTENT_TYPES, payload: anyString }),
        },
      )
    : fc.constant(undefined);
  return fc
    .record({
      role: fc.constantFrom(...Object.keys(ROLES)),
      tenant: fc.constant(''),
      path: fc.record(pathParams),
      query,
      headers,
      body,
    })
    .map((c) => ({ ...c, tenant: c.path.tenant ?? c.query.find(([k]) => k === 'tenant')?.[1] ?? '' }));
}

function urlOf(op: Operation, c: Case, tenant = c.tenant): string {
  let path = op.path;
  for (const [name, value] of Object.entries(c.path))
    path = path.replace(`{${name}}`, encodeSegment(name === 'tenant' ? tenant : value));
  const query = c.query
    .map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(k === 'tenant' && !c.path.tenant ? tenant : v)}`)
    .join('&');
  return query ? `${path}?${query}` : path;
}

interface Answer {
  status: number;
  body: string;
  contentType: string;
}

/** inject with a deadline; an event stream (GET /api/live) is read briefly, then dropped. */
async function send(app: RouteApp['app'], op: Operation, c: Case, auth: Record<string, string>, url: string) {
  const headers: Record<string, string> = { ...auth, ...c.headers };
  if (c.body?.contentType !== undefined) headers['content-type'] = c.body.contentType;
  const streaming = op.path === '/api/live';
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer in ${INJECT_TIMEOUT_MS} ms: ${op.method} ${url.slice(0, 300)}`)),
      INJECT_TIMEOUT_MS,
    );
  });
  try {
    const request = app.inject({
      method: op.method as 'GET',
      url,
      headers,
      ...(c.body ? { payload: c.body.payload } : {}),
      ...(streaming ? { payloadAsStream: true } : {}),
    });
    const res = await Promise.race([request, deadline]);
    const contentType = String(res.headers['content-type'] ?? '');
    if (!streaming) return { status: res.statusCode, body: res.body, contentType };
    const stream = res.stream();
    const chunks: Buffer[] = [];
    const text = await Promise.race([
      new Promise<string>((resolve) => {
        // An open stream: its first event is enough; an error answer ends by itself.
        const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
        stream.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          if (contentType.startsWith('text/event-stream')) done();
        });
        stream.on('end', done);
        stream.on('error', done);
        if (contentType.startsWith('text/event-stream')) setTimeout(done, 200);
      }),
      deadline,
    ]);
    stream.destroy();
    return { status: res.statusCode, body: text, contentType };
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// What every answer must hold.

const STACK = /\bat [^\n]*:\d+:\d+|node:internal|node_modules|\/(?:work|home|tmp|usr|root)\/|\.(?:ts|js|mjs):\d+/;
const STORE_TEXT =
  /\b(?:select|insert|update|delete)\b[\s\S]*\b(?:from|into|set|where)\b|\bpg\b|postgres|pglite|sqlite|sqlstate|relation "|duplicate key|violates|constraint|bigtable|grpc|elasticsearch|fts5|syntax error/i;

/** The answer with every string the request sent removed (error messages may name what was asked). */
function withoutInputs(c: Case, body: string): string {
  const inputs = [
    ...Object.values(c.path),
    ...c.query.flatMap(([k, v]) => [k, v]),
    ...Object.values(c.headers),
    c.body?.payload ?? '',
  ].filter((s) => s.length >= 2);
  let out = body;
  for (const s of inputs.sort((a, b) => b.length - a.length)) {
    out = out.split(s).join('');
    const quoted = JSON.stringify(s).slice(1, -1);
    if (quoted !== s) out = out.split(quoted).join('');
  }
  return out;
}

function check(op: Operation, c: Case, url: string, answer: Answer): void {
  const where = `${c.role} ${op.method} ${url.slice(0, 300)} ${c.body ? `[${c.body.contentType}] ${c.body.payload.slice(0, 200)}` : ''}`;
  assert.ok(answer.status < 500, `${answer.status} for ${where}: ${answer.body.slice(0, 500)}`);
  const scrubbed = withoutInputs(c, answer.body);
  assert.ok(
    !scrubbed.toLowerCase().includes(MARKER),
    `the other tenant's data in ${where}: ${answer.body.slice(0, 500)}`,
  );
  assert.ok(!STACK.test(scrubbed), `a stack trace or path in ${where}: ${answer.body.slice(0, 500)}`);
  if (answer.status >= 400) {
    assert.ok(!STORE_TEXT.test(scrubbed), `store text in ${where}: ${answer.body.slice(0, 500)}`);
    if (answer.contentType.startsWith('application/json')) {
      const error = JSON.parse(answer.body) as Record<string, unknown>;
      assert.equal(typeof error.message, 'string', `the one error shape for ${where}: ${answer.body.slice(0, 300)}`);
      assert.equal(typeof error.requestId, 'string', `the one error shape for ${where}`);
    }
  }
  const probe = {} as Record<string, unknown>;
  assert.equal(probe.polluted, undefined, `Object.prototype polluted by ${where}`);
  assert.equal(probe.isAdmin, undefined, `Object.prototype polluted by ${where}`);
}

/** Comparable part of an answer: status, and the body without its request id and the tenant's name (a 404 names the path). */
const comparable = (a: Answer, tenant: string) => ({
  status: a.status,
  body: (a.contentType.startsWith('application/json')
    ? JSON.stringify({ ...(JSON.parse(a.body) as object), requestId: undefined })
    : a.body
  )
    .split(tenant)
    .join('<tenant>'),
});

// ---------------------------------------------------------------------------------------------

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content: Record<string, { schema?: JsonSchema }> };
      }
    >
  >;
}

function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, spec] of Object.entries(methods)) {
      const content = spec.requestBody?.content;
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: spec.parameters ?? [],
        ...(content ? { body: { types: Object.keys(content), schema: content['application/json']?.schema } } : {}),
      });
    }
  }
  return ops;
}

/** The committed contract (apps/bff/src/cli/openapi.ts writes it); the app must still serve the same operations. */
const DOCUMENT = JSON.parse(
  readFileSync(new URL('../../../../docs/openapi.json', import.meta.url), 'utf8'),
) as OpenApiDocument;
/** The demo's routes (apps/bff/src/demo/) exist in demo mode only, never beside IAP as here. */
const OPERATIONS = operationsOf(DOCUMENT).filter((op) => !op.path.startsWith('/api/demo/'));
const opName = (op: Operation) => `${op.method} ${op.path}`;

await onPgliteAndPostgres((backend, open, skip) => {
  describe(`hostile input on every route (${backend}, ${RUNS} cases per route)`, skip, () => {
    let t: RouteApp;
    const auth: Record<string, Record<string, string>> = {};

    before(async () => {
      t = await routeApp({ prefix: 'redoubt-fuzz-', open, limits: RAISED_LIMITS });
      const lines = (events: RedoubtEvent[]) => events.map((value, i) => ({ line: i + 1, value }));
      await t.app.ingest.ingest('acme-shop', lines(ACME));
      await t.app.ingest.ingest('globex-travel', lines(GLOBEX));
      for (const [role, who] of Object.entries(ROLES)) auth[role] = await t.headers(who);
    });
    after(() => t?.close());

    it('fuzzes every operation the app serves (docs/openapi.json is current)', () => {
      const served = operationsOf(t.app.swagger() as unknown as OpenApiDocument)
        .map(opName)
        .sort();
      assert.deepEqual(OPERATIONS.map(opName).sort(), served);
      assert.ok(served.length >= 40, `${served.length} operations`);
    });

    for (const op of OPERATIONS) {
      // Each operation on its own: a slow or stuck one is named by the runner, and times out alone.
      it(opName(op), { timeout: 120_000 + RUNS * 2_000 }, async () => {
        let sent = 0;
        await fc.assert(
          fc.asyncProperty(caseFor(op), async (c) => {
            const url = urlOf(op, c);
            const answer = await send(t.app, op, c, auth[c.role]!, url);
            sent++;
            check(op, c, url, answer);
            // A tenant the caller does not hold answers exactly as one that does not exist.
            if (c.tenant === 'globex-travel') {
              const missing = await send(t.app, op, c, auth[c.role]!, urlOf(op, c, 'nope-tenant'));
              assert.deepEqual(
                comparable(answer, 'globex-travel'),
                comparable(missing, 'nope-tenant'),
                `${c.role} ${op.method} ${url}: ${answer.body.slice(0, 300)} vs ${missing.body.slice(0, 300)}`,
              );
            }
          }),
          { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true },
        );
        assert.ok(sent >= RUNS);
      });
    }
  });
}, 'redoubt_fuzz');
