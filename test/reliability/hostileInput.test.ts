/**
 * Hostile input, generated: fast-check throws malformed, oversized, wrongly typed and unicode-edge requests at every
 * management route and at the token endpoint of a real control plane process. Every answer is a 4xx with a stable,
 * machine-readable code (the same again when the request is repeated), never a 5xx or a crash, and a refused request
 * leaves the store exactly as it was: the data folder's bytes after each request, and the full listing through the
 * API every few dozen requests.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { z } from 'zod';
import { AddExternalKeys } from '../../src/api/auth';
import { ApiErrorBody } from '../../src/api/common';
import { CreateComponent, UpdateComponent, UpdateEndpoint } from '../../src/api/components';
import { CreateConnection } from '../../src/api/connections';
import { CreateIdentityProvider, UpdateIdentityProvider } from '../../src/api/identityProviders';
import { CreateOrganization, CreateProject, UpdateProject } from '../../src/api/organizations';
import { API_PREFIX } from '../../src/api/routes';
import { ControlPlane, tempDir } from '../controlPlane/helpers/controlPlane';
import { CONSUMER, dataFingerprint, encodeSegment, fullListing, ORG, PROJECT, printFigures, rawRequest, seedWorld, type World } from './helpers/world';

const RUNS = Number(process.env.RELIABILITY_RUNS ?? 1000);

/** The status each stable error code goes with. */
const STATUS_OF: Record<string, number[]> = {
  validation_failed: [400],
  unauthorized: [401],
  forbidden: [403],
  not_visible: [403],
  not_found: [404],
  method_not_allowed: [405],
  conflict: [409],
  name_taken: [409],
  in_use: [409],
  payload_too_large: [413],
  unsupported_media_type: [415],
  discovery_failed: [400, 422, 502],
  rate_limited: [429],
};

type Param = 'org' | 'project' | 'component' | 'env' | 'idp' | 'connection' | 'endpoint';
interface Route {
  method: string;
  path: string;
  body?: z.ZodType;
  /** Changes the store when it succeeds without a body (DELETE, Generate Keys, …): sent only with at least one
   * hostile parameter or a bad token, so that it is refused. */
  action?: boolean;
}

/** Every management route (src/api/routes.ts), with the schema of its body. */
const ROUTES: Route[] = [
  { method: 'GET', path: '/orgs' },
  { method: 'POST', path: '/orgs', body: CreateOrganization },
  { method: 'GET', path: '/orgs/:org' },
  { method: 'DELETE', path: '/orgs/:org', action: true },
  { method: 'GET', path: '/orgs/:org/environments' },
  { method: 'GET', path: '/orgs/:org/identity-providers' },
  { method: 'POST', path: '/orgs/:org/identity-providers', body: CreateIdentityProvider },
  { method: 'GET', path: '/orgs/:org/identity-providers/:idp' },
  { method: 'PATCH', path: '/orgs/:org/identity-providers/:idp', body: UpdateIdentityProvider },
  { method: 'DELETE', path: '/orgs/:org/identity-providers/:idp', action: true },
  { method: 'POST', path: '/orgs/:org/identity-providers/:idp/refresh', action: true },
  { method: 'GET', path: '/orgs/:org/projects' },
  { method: 'POST', path: '/orgs/:org/projects', body: CreateProject },
  { method: 'GET', path: '/orgs/:org/projects/:project' },
  { method: 'PATCH', path: '/orgs/:org/projects/:project', body: UpdateProject },
  { method: 'DELETE', path: '/orgs/:org/projects/:project', action: true },
  { method: 'POST', path: '/orgs/:org/projects/:project/sample-service', action: true },
  { method: 'GET', path: '/orgs/:org/projects/:project/components' },
  { method: 'POST', path: '/orgs/:org/projects/:project/components', body: CreateComponent },
  { method: 'GET', path: '/orgs/:org/projects/:project/components/:component' },
  { method: 'PATCH', path: '/orgs/:org/projects/:project/components/:component', body: UpdateComponent },
  { method: 'DELETE', path: '/orgs/:org/projects/:project/components/:component', action: true },
  { method: 'PATCH', path: '/orgs/:org/projects/:project/components/:component/endpoints/:endpoint', body: UpdateEndpoint },
  { method: 'GET', path: '/orgs/:org/projects/:project/components/:component/connected-consumers' },
  { method: 'GET', path: '/orgs/:org/projects/:project/components/:component/auth' },
  { method: 'GET', path: '/orgs/:org/projects/:project/components/:component/auth/:env' },
  { method: 'DELETE', path: '/orgs/:org/projects/:project/components/:component/auth/:env', action: true },
  { method: 'POST', path: '/orgs/:org/projects/:project/components/:component/auth/:env/generate-keys', action: true },
  { method: 'POST', path: '/orgs/:org/projects/:project/components/:component/auth/:env/regenerate-secret', action: true },
  { method: 'PUT', path: '/orgs/:org/projects/:project/components/:component/auth/:env/external', body: AddExternalKeys },
  { method: 'GET', path: '/orgs/:org/projects/:project/components/:component/connections' },
  { method: 'POST', path: '/orgs/:org/projects/:project/components/:component/connections', body: CreateConnection },
  { method: 'GET', path: '/orgs/:org/projects/:project/components/:component/connections/:connection' },
  { method: 'DELETE', path: '/orgs/:org/projects/:project/components/:component/connections/:connection', action: true },
  { method: 'GET', path: '/orgs/:org/projects/:project/components/:component/connections/:connection/config/:env' },
  { method: 'POST', path: '/signing-keys/rotate', action: true },
];

/** Strings that have broken parsers, normalizers and terminals before. */
const UNICODE_EDGES = [
  '',
  ' ',
  '\u0000',
  'stark\u0000industries',
  '\ud800',
  '\udfff\ud800',
  '\u202eppa-krats',
  'stark\u200bindustries',
  '\ufeffstark',
  'ＳＴＡＲＫ',
  'straße',
  'İstanbul',
  'e\u0301\u0301\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  '../../etc/passwd',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  "'; DROP TABLE components; --",
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  'a'.repeat(64),
  'a'.repeat(5000),
  '\n\r\t',
];

const edgeString = fc.oneof(fc.constantFrom(...UNICODE_EDGES), fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 300 }));

/** A path parameter: mostly hostile, sometimes the real one (so the body, not the path, is what gets refused). */
function paramArb(valid: string) {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant({ text: encodeSegment(valid), valid: true }) },
    {
      weight: 3,
      arbitrary: fc.oneof(
        edgeString.map((s) => ({ text: encodeSegment(s), valid: false })),
        // Broken percent-encoding and raw bytes a browser would never send.
        fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%C0%AF', '%00', '%FF%FE', '..', '.', '%2F', 'a%2Fb').map((text) => ({ text, valid: false })),
      ),
    },
  );
}

/** A value of the wrong type, or a string from the edge list. */
const wrongValue = fc.oneof(
  edgeString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

function keysOf(schema: z.ZodType | undefined): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : ['name'];
}

interface Body {
  bytes?: Buffer;
  contentType?: string;
  kind: string;
}

/** Bodies a route must refuse. */
function bodyArb(route: Route) {
  const keys = keysOf(route.body);
  const json =
    (kind: string) =>
    (value: unknown): Body => ({ bytes: Buffer.from(JSON.stringify(value)), contentType: 'application/json', kind });
  return fc.oneof(
    // Known fields with wrong types or edge strings, sometimes with an unknown field beside them.
    fc
      .record({
        fields: fc.dictionary(fc.constantFrom(...keys), wrongValue, { minKeys: 1, maxKeys: keys.length }),
        extra: fc.option(fc.string({ minLength: 1, maxLength: 12 })),
      })
      .map(({ fields, extra }) => json('wrong types')(extra === null ? fields : { ...fields, [extra]: 1 })),
    // Not an object at all.
    fc
      .jsonValue({ maxDepth: 3 })
      .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
      .map(json('not an object')),
    // Bytes that are not JSON, or not UTF-8.
    fc
      .oneof(
        fc.constantFrom('{', '{"name":', '{"name":"x",}', "{'name':'x'}", 'NaN', '\ufeff{"name":"Stark"}', '{"name":"\\ud800"', '[]]', '{"a":1}{"b":2}'),
        fc.string({ maxLength: 100 }),
      )
      .map((s): Body => ({ bytes: Buffer.from(s), contentType: 'application/json', kind: 'broken JSON' })),
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b): Body => ({ bytes: Buffer.from(b), contentType: 'application/json', kind: 'random bytes' })),
    // Nested far too deep.
    fc.integer({ min: 33, max: 5000 }).map((depth): Body => ({
      bytes: Buffer.from(`{"name":${'['.repeat(depth)}${']'.repeat(depth)}}`),
      contentType: 'application/json',
      kind: 'deep nesting',
    })),
    // A fine JSON body with the wrong content type, or none.
    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/jsonp', 'multipart/form-data; boundary=x', '').map((contentType): Body => ({
      bytes: Buffer.from(JSON.stringify({ name: 'Stark Industries' })),
      contentType: contentType || undefined,
      kind: 'wrong content type',
    })),
  );
}

/** An Authorization header: mostly the admin token, sometimes a bad one. */
function authArb(token: string) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({ header: `Bearer ${token}`, valid: true }) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constant(''),
          fc.constant(`Bearer ${token}x`),
          fc.constant(`Basic ${token}`),
          fc.constant(`bearer  ${token.slice(1)}`),
          fc.string({ maxLength: 100 }).map((s) => `Bearer ${s}`),
          fc.string({ unit: 'binary-ascii', maxLength: 60 }),
        )
        .map((header) => ({ header, valid: false })),
    },
  );
}

describe('hostile input, generated (fast-check, real control plane process)', function () {
  this.timeout(180_000);
  let world: World;
  let cp: ControlPlane;
  let valid: Record<Param, string>;
  const figures = { management: 0, managementAccepted: 0, token: 0, listings: 0, codes: new Map<string, number>() };

  before(async () => {
    cp = await ControlPlane.start(tempDir('rel-hostile-'));
    world = await seedWorld(cp, 'http://127.0.0.1:9/never-called');
    const idps = await cp.call('GET', `${API_PREFIX}/orgs/${ORG}/identity-providers`);
    valid = { org: ORG, project: PROJECT, component: CONSUMER, env: 'development', idp: idps.body.items[0].id, connection: 'Greeting', endpoint: 'hello' };
  });
  after(async () => {
    await cp?.stop();
    const codes = [...figures.codes]
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c} ${n}`)
      .join(', ');
    printFigures('hostile input', {
      'management requests tried (each sent twice)': figures.management,
      'of which accepted (2xx, valid by chance)': figures.managementAccepted,
      'token endpoint requests tried': figures.token,
      'full listings compared': figures.listings,
      '5xx answers': 0,
      'answers by code': codes,
    });
  });

  function count(code: string) {
    figures.codes.set(code, (figures.codes.get(code) ?? 0) + 1);
  }

  it('every management route refuses malformed, wrongly typed and unicode-edge requests with a stable 4xx, and stores nothing', async () => {
    const requestArb = fc.constantFrom(...ROUTES).chain((route) =>
      fc.record({
        route: fc.constant(route),
        // Mostly the real resources, so that the body, the query or the token is what gets refused.
        params: fc.oneof(
          {
            weight: 3,
            arbitrary: fc.constant(
              Object.fromEntries((Object.keys(valid) as Param[]).map((p) => [p, { text: encodeSegment(valid[p]), valid: true }])) as Record<
                Param,
                { text: string; valid: boolean }
              >,
            ),
          },
          {
            weight: 2,
            arbitrary: fc.record(
              Object.fromEntries((Object.keys(valid) as Param[]).map((p) => [p, paramArb(valid[p])])) as Record<
                Param,
                fc.Arbitrary<{ text: string; valid: boolean }>
              >,
            ),
          },
        ),
        body: route.body ? bodyArb(route) : fc.option(bodyArb(route), { freq: 3 }),
        auth: authArb(cp.token),
        query: fc.option(
          fc.oneof(
            fc.constantFrom(
              'limit=0',
              'limit=-1',
              'limit=501',
              'limit=1e3',
              'limit=abc',
              'cursor=%ZZ',
              'cursor=bm90IGEgY3Vyc29y',
              'prefix=' + 'a'.repeat(70),
              'type=bogus',
              'unknown=1',
              'limit=1&limit=2',
            ),
            edgeString.map((s) => `prefix=${encodeSegment(s)}`),
          ),
          { freq: 3 },
        ),
      }),
    );

    let listing = await fullListing(cp);
    let sinceListing = 0;
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ route, params, body, auth, query }) => {
        const usedParams = (Object.keys(valid) as Param[]).filter((p) => route.path.includes(`:${p}`));
        const allValid = usedParams.every((p) => params[p].valid);
        // An action on real resources with the real token would succeed: make it a refused one.
        const header = route.action && allValid && auth.valid ? 'Bearer not-the-token' : auth.header;
        let p = route.path;
        for (const name of usedParams) p = p.replace(`:${name}`, params[name].text);
        const url = `${API_PREFIX}${p}${query ? `?${query}` : ''}`;
        const headers: Record<string, string | number> = {};
        if (header) headers.authorization = header;
        if (body?.contentType) headers['content-type'] = body.contentType;
        if (body?.bytes) headers['content-length'] = body.bytes.length;

        const before = dataFingerprint(cp.dataDir);
        const first = await rawRequest(cp.url, route.method, url, headers, body?.bytes);
        figures.management++;
        assert.ok(first.status < 500, `${route.method} ${url} (${body?.kind ?? 'no body'}) → ${first.status} ${first.text}`);
        if (first.status < 300) {
          // Valid by chance (a GET, or a body that happens to pass): fine, as long as nothing was refused wrongly.
          figures.managementAccepted++;
          if (route.method !== 'GET') listing = await fullListing(cp);
          return;
        }
        const parsed = ApiErrorBody.safeParse(first.json);
        assert.ok(parsed.success, `${route.method} ${url} → ${first.status} without an error body: ${first.text.slice(0, 200)}`);
        const { code, message } = parsed.data.error;
        assert.ok(STATUS_OF[code]?.includes(first.status), `${code} with status ${first.status} (${route.method} ${url})`);
        assert.ok(message.length > 10 && !/\bat .*\.(ts|js):\d+/.test(message), `a sentence, not a stack: ${message}`);
        count(code);
        assert.equal(dataFingerprint(cp.dataDir), before, `the refused ${route.method} ${url} (${body?.kind}) changed the data folder`);

        const again = await rawRequest(cp.url, route.method, url, headers, body?.bytes);
        assert.equal(again.status, first.status, `the same request answered ${first.status} then ${again.status}`);
        assert.equal(again.json?.error?.code, code, 'the same request got another code');
        if (++sinceListing >= 40) {
          sinceListing = 0;
          figures.listings++;
          assert.equal(await fullListing(cp), listing, 'the full listing changed after refused requests');
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.RELIABILITY_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
    );
    figures.listings++;
    assert.equal(await fullListing(cp), listing);
  });

  it('refuses bodies over 1 MiB (declared or streamed) with 413 payload_too_large and stays up', async () => {
    const before = dataFingerprint(cp.dataDir);
    const big = Buffer.alloc(1024 * 1024 + 1, 'a');
    const declared = await rawRequest(
      cp.url,
      'POST',
      `${API_PREFIX}/orgs`,
      { authorization: `Bearer ${cp.token}`, 'content-type': 'application/json', 'content-length': big.length },
      big,
    );
    assert.equal(declared.status, 413);
    assert.equal(declared.json.error.code, 'payload_too_large');
    const streamed = await rawRequest(
      cp.url,
      'POST',
      `${API_PREFIX}/orgs`,
      { authorization: `Bearer ${cp.token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      Buffer.concat([Buffer.from('{"name":"'), big, Buffer.from('"}')]),
    );
    assert.equal(streamed.status, 413);
    assert.equal(streamed.json.error.code, 'payload_too_large');
    assert.equal(dataFingerprint(cp.dataDir), before);
    assert.equal((await cp.call('GET', '/healthz', undefined, { token: null })).status, 200);
    figures.management += 2;
  });

  it('issue 22 row 10: a validation answer is bounded in size, however many unknown keys or long names the body holds', async () => {
    const before = dataFingerprint(cp.dataDir);
    const headers = { authorization: `Bearer ${cp.token}`, 'content-type': 'application/json' };
    const keys = Array.from({ length: 91_918 }, (_, i) => `"k${String(i).padStart(5, '0')}":1`);
    const body = `{"name":"Many Keys",${keys.join(',')}}`;
    assert.ok(body.length <= 1024 * 1024, 'within the body limit');
    const many = await rawRequest(cp.url, 'POST', `${API_PREFIX}/orgs`, headers, body);
    assert.equal(many.status, 400);
    assert.equal(many.json.error.code, 'validation_failed');
    assert.ok(many.text.length < 4096, `the answer to a ${body.length}-byte body is ${many.text.length} bytes`);
    assert.match(many.json.error.message, /Remove the unknown field\(s\): k00000, k00001, .*k00009 \(and 91,908 more unknown fields\)\./);
    // One key of half a megabyte is named by its start.
    const long = await rawRequest(cp.url, 'POST', `${API_PREFIX}/orgs`, headers, JSON.stringify({ name: 'Long Key', ['x'.repeat(500_000)]: 1 }));
    assert.equal(long.status, 400);
    assert.ok(long.text.length < 4096, `the answer is ${long.text.length} bytes`);
    // Many problems: the first 20 are listed, and the count of the rest is given.
    const items = await rawRequest(
      cp.url,
      'POST',
      `${API_PREFIX}/orgs`,
      headers,
      JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`n${i}`.repeat(300), 1]))),
    );
    assert.equal(items.status, 400);
    assert.ok(items.json.error.fields.length <= 20);
    assert.ok(items.text.length < 4096, `the answer is ${items.text.length} bytes`);
    assert.equal(dataFingerprint(cp.dataDir), before);
    figures.management += 3;
  });

  it('refuses JSON nested deeper than 32 levels before parsing it, and takes 32', async () => {
    const before = dataFingerprint(cp.dataDir);
    const nested = (depth: number) => `{"name":"Deep","x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    const headers = { authorization: `Bearer ${cp.token}`, 'content-type': 'application/json' };
    const deep = await rawRequest(cp.url, 'POST', `${API_PREFIX}/orgs`, headers, nested(33));
    assert.equal(deep.status, 400);
    assert.equal(deep.json.error.code, 'validation_failed');
    assert.match(deep.json.error.message, /nests deeper than 32 levels/);
    // 32 levels is within the limit: refused by the schema (x is an unknown field), not by the depth check.
    const ok = await rawRequest(cp.url, 'POST', `${API_PREFIX}/orgs`, headers, nested(32));
    assert.equal(ok.status, 400);
    assert.doesNotMatch(ok.json.error.message, /nests deeper/);
    // Brackets inside strings are text, not nesting.
    const inString = await rawRequest(cp.url, 'POST', `${API_PREFIX}/orgs`, headers, JSON.stringify({ name: 'Deep', x: '['.repeat(100) }));
    assert.doesNotMatch(inString.json.error.message, /nests deeper/);
    // A million brackets: answered quickly, and the server is still there.
    const started = Date.now();
    const huge = await rawRequest(cp.url, 'POST', `${API_PREFIX}/orgs`, headers, '['.repeat(1_000_000));
    assert.equal(huge.status, 400);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.equal(dataFingerprint(cp.dataDir), before);
    figures.management += 4;
  });

  it('the token endpoint refuses malformed requests with an RFC 6749 error and a fitting status, and stores nothing', async () => {
    const OAUTH_ERRORS = new Set([
      'invalid_request',
      'invalid_client',
      'invalid_grant',
      'unauthorized_client',
      'unsupported_grant_type',
      'invalid_scope',
      'slow_down',
    ]);
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`, 'utf8').toString('base64')}`;
    const requestArb = fc.record({
      method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
      org: fc.oneof(fc.constant(ORG), edgeString.map(encodeSegment)),
      contentType: fc.oneof(
        fc.constant('application/x-www-form-urlencoded'),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded; charset=utf-8', ''),
      ),
      auth: fc.oneof(
        fc.constant(basic(world.clientId, 'wrong-secret')),
        fc.tuple(edgeString, edgeString).map(([i, s]) => basic(i, s)),
        fc.string({ unit: 'binary-ascii', maxLength: 80 }).map((s) => `Basic ${s}`),
        fc.constantFrom('Basic', 'Basic ', 'Basic Og==', 'Basic ===', `Bearer ${world.clientSecret.slice(0, 10)}`, ''),
      ),
      body: fc.oneof(
        fc.constant('grant_type=client_credentials'),
        fc.constantFrom(
          'grant_type=password&username=a&password=b',
          'grant_type=client_credentials&grant_type=client_credentials',
          'grant_type=client_credentials&scope=%00',
          `grant_type=client_credentials&scope=${'a '.repeat(40)}`,
          'grant_type=client_credentials&scope="',
          `grant_type=client_credentials&client_id=${world.clientId}&client_secret=x`,
          'client_secret=x',
          '%%%',
          '',
        ),
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 200 }).map((s) => `grant_type=client_credentials&scope=${encodeSegment(s)}`),
        fc.integer({ min: 8 * 1024 + 1, max: 64 * 1024 }).map((n) => `grant_type=client_credentials&pad=${'x'.repeat(n)}`),
      ),
    });
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ method, org, contentType, auth, body }) => {
        const headers: Record<string, string | number> = {};
        if (contentType) headers['content-type'] = contentType;
        if (auth) headers.authorization = auth;
        const bytes = Buffer.from(body, 'utf8');
        headers['content-length'] = bytes.length;
        const before = dataFingerprint(cp.dataDir);
        const res = await rawRequest(cp.url, method, `/oauth2/${org}/token`, headers, bytes);
        figures.token++;
        assert.ok(res.status < 500, `${method} /oauth2/${org}/token → ${res.status} ${res.text}`);
        assert.notEqual(res.status, 200, `a token for ${auth} / ${body.slice(0, 80)}`);
        if (org !== ORG && res.json?.error?.code === 'not_found') {
          count('token: not_found (no such org path)');
          return;
        }
        assert.ok(OAUTH_ERRORS.has(res.json?.error), `${res.status} ${res.text.slice(0, 200)}`);
        assert.equal(typeof res.json.error_description, 'string');
        assert.ok([400, 401, 405, 413, 429].includes(res.status), `status ${res.status} for ${res.json.error}`);
        if (res.status === 401) assert.match(String(res.headers['www-authenticate']), /^Basic /);
        if (res.status === 429) assert.match(String(res.headers['retry-after']), /^\d+$/);
        count(`token: ${res.json.error}`);
        assert.equal(dataFingerprint(cp.dataDir), before);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    // The real client still gets a token once its throttle window has passed (its ID had wrong secrets above).
    const res = await rawRequest(
      cp.url,
      'POST',
      `/oauth2/${ORG}/token`,
      { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(world.clientId, world.clientSecret) },
      'grant_type=client_credentials',
    );
    assert.ok(res.status === 200 || res.status === 429, `${res.status} ${res.text}`);
  });
});
