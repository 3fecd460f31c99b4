import type { AuthEvent } from '@tessera/core';
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { OPERATION_LIMITS, operationLimitsRule } from './graphql/limits.js';
import { codes, graphql, GRAPHQL_RESPONSE, LOG_IN, SIGN_UP } from '../test/graphql.js';
import { checkedRequest, createTestApp, json, PASSWORD } from '../test/harness.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let events: AuthEvent[];
let send: (pathname: string, init?: RequestInit) => Promise<Response>;
beforeEach(async () => {
  t = await createTestApp();
  events = [];
  const app = createApp({ auth: t.runtime.auth, keys: t.runtime.keys, config: t.config, logError: () => {}, onEvent: (event) => void events.push(event) });
  send = checkedRequest(app);
});
afterEach(async () => t.close());

/** One mutation with `count` aliased logIn guesses for one account. */
function aliasedLogIns(count: number, email = 'ann@example.test'): string {
  const fields = Array.from({ length: count }, (_, i) => `a${i}: logIn(email: "${email}", password: "guess number ${i}") { accessToken }`);
  return `mutation { ${fields.join(' ')} }`;
}

describe('aliases and batches are attacks', () => {
  it('every aliased logIn counts against the lockout: in one request the account locks after 10 and the rest are rate_limited', async () => {
    await graphql(send, SIGN_UP, { variables: { email: 'ann@example.test', password: PASSWORD } });
    const { response, body } = await graphql(send, aliasedLogIns(OPERATION_LIMITS.rootFields));
    expect(response.status).toBe(200);
    expect(Object.values(body.data!)).toEqual(new Array(20).fill(null));
    expect(codes(body)).toEqual([...new Array(10).fill('invalid_credentials'), ...new Array(10).fill('rate_limited')]);
    expect(body.errors![10]).toMatchObject({ path: ['a10'], extensions: { code: 'rate_limited', retryAfter: 900 } });
    expect(events.filter((event) => event.type === 'lockout')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'login_failed')).toHaveLength(20);
    // The right password is refused too now: the account is locked, not only that request.
    const right = await graphql(send, LOG_IN, { variables: { email: 'ann@example.test', password: PASSWORD } });
    expect(codes(right.body)).toEqual(['rate_limited']);
  });

  it('refuses larger batches of aliases before any runs: a thousand by the body size, a hundred by the root-field limit', async () => {
    await graphql(send, SIGN_UP, { variables: { email: 'ann@example.test', password: PASSWORD } });
    const thousand = await graphql(send, aliasedLogIns(1000));
    expect(thousand.response.status).toBe(400);
    expect(thousand.body).toEqual({ errors: [{ message: 'The body is larger than 16 KiB.', extensions: { code: 'invalid_request' } }] });
    const hundred = await graphql(send, aliasedLogIns(100));
    expect(hundred.response.status).toBe(400);
    expect(hundred.body).toEqual({
      errors: [{ message: 'The operation selects 100 root fields (aliases included); at most 20 are allowed in one request.', locations: [{ line: 1, column: 1 }], extensions: { code: 'invalid_request' } }],
    });
    expect(events.filter((event) => event.type === 'login_failed')).toEqual([]);
    expect(codes((await graphql(send, LOG_IN, { variables: { email: 'ann@example.test', password: PASSWORD } })).body)).toEqual([]);
  });

  it('counts root fields hidden in fragments and inline fragments', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `m${i}: me { id }`).join(' ');
    const query = `query { ...Half ... on Query { ${eleven} } } fragment Half on Query { ${eleven} }`;
    const { response, body } = await graphql(send, query);
    expect(response.status).toBe(400);
    expect(body.errors![0]!.message).toBe('The operation selects 22 root fields (aliases included); at most 20 are allowed in one request.');
  });

  it('refuses a JSON array of operations (a batch) with 400 invalid_request', async () => {
    const response = await send('/graphql', json([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: 'Batched operations are not accepted; send one operation per request.', extensions: { code: 'invalid_request' } }] });
  });
});

describe('depth, size and cost', () => {
  it('refuses a too-deep query with a clear error', async () => {
    const { response, body } = await graphql(send, '{ me { id { a { b { c { d { e } } } } } } }');
    expect(response.status).toBe(400);
    expect(body.errors).toContainEqual(expect.objectContaining({ message: 'The operation nests fields 7 levels deep; at most 6 are allowed.', extensions: { code: 'invalid_request' } }));
  });

  it('refuses a document of more than 2000 tokens while parsing', async () => {
    const { response, body } = await graphql(send, `{ ${'a '.repeat(2001)}}`);
    expect(response.status).toBe(400);
    // graphql-js spells it "more that"; matched loosely so a fixed typo does not fail the test.
    expect(body.errors).toMatchObject([{ message: expect.stringMatching(/^Syntax Error: Document contains more (than|that) 2000 tokens/), extensions: { code: 'invalid_request' } }]);
  });

  // The auth schema has no recursive type, so the depth and field limits are shown on one that does.
  const tree = buildSchema('type Node { id: ID! children: [Node!]! } type Query { root: Node }');
  const errorsOf = (query: string) => validate(tree, parse(query), [...specifiedRules, operationLimitsRule()]).map((error) => error.message);

  it('depth counts through fragments; six levels pass, seven do not', () => {
    expect(errorsOf('{ root { children { children { children { children { id } } } } } }')).toEqual([]);
    expect(errorsOf('{ root { ...F } } fragment F on Node { children { children { children { children { children { id } } } } } }')).toEqual([
      'The operation nests fields 7 levels deep; at most 6 are allowed.',
    ]);
  });

  it('fields are counted wherever a fragment is spread, so a fragment chain cannot multiply work unseen', () => {
    const chain = [
      'fragment A on Node { id children { id } }',
      'fragment B on Node { x1: children { ...A } x2: children { ...A } x3: children { ...A } }',
      'fragment C on Node { y1: children { ...B } y2: children { ...B } y3: children { ...B } y4: children { ...B } y5: children { ...B } }',
    ].join(' ');
    // A: 3 fields; B: 3 × (1 + 3) = 12; C: 5 × (1 + 12) = 65; each `root { ...C }` is 66.
    expect(errorsOf(`{ a: root { ...C } b: root { ...C } c: root { ...C } } ${chain}`)).toEqual([]);
    expect(errorsOf(`{ a: root { ...C } b: root { ...C } c: root { ...C } d: root { ...C } } ${chain}`)).toEqual([
      'The operation selects 264 fields (fragments expanded); at most 200 are allowed.',
    ]);
  });
});

describe('GraphQL over HTTP', () => {
  it('takes only POST: GET is 405 with Allow: POST, so no mutation can ride on a link or an image', async () => {
    const response = await send(`/graphql?query=${encodeURIComponent('mutation { logOut }')}`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(codes((await response.json()) as { errors: { extensions: { code: string } }[] })).toEqual(['invalid_request']);
  });

  it('takes only application/json bodies, so a cross-site form cannot post (415), and refuses unknown members', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await send('/graphql', { method: 'POST', headers: { 'content-type': type }, body: 'query={me{id}}' });
      expect(response.status, type).toBe(415);
      expect(await response.json()).toEqual({ errors: [{ message: 'Send the body as application/json.', extensions: { code: 'unsupported_media_type' } }] });
    }
    const unknown = await send('/graphql', json({ query: '{ me { id } }', roles: ['admin'] }));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ errors: [{ message: 'Unknown field "roles".', extensions: { code: 'invalid_request' } }] });
    const broken = await send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
    expect(broken.status).toBe(400);
  });

  it('validation errors are 400 with application/graphql-response+json, 200 for a legacy application/json client (the spec\'s rule)', async () => {
    const modern = await graphql(send, '{ nothing }');
    expect(modern.response.status).toBe(400);
    expect(modern.response.headers.get('content-type')).toBe(GRAPHQL_RESPONSE);
    expect(codes(modern.body)).toEqual(['invalid_request']);
    const legacy = await send('/graphql', json({ query: '{ nothing }' }, { accept: 'application/json' }));
    expect(legacy.status).toBe(200);
    expect(legacy.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('answers with the API\'s security headers (no-store, never framed)', async () => {
    const { response } = await graphql(send, '{ __typename }');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('an internal failure is internal_error with a fixed sentence, no stack and no SQL; the error goes to logError', async () => {
    const logged: string[] = [];
    const failing = { ...t.runtime.auth, currentUser: () => Promise.reject(new Error('SELECT password_hash FROM users: disk I/O error')) };
    const app = createApp({ auth: failing, keys: t.runtime.keys, config: t.config, logError: (line) => void logged.push(line) });
    const request = checkedRequest(app);
    const { body: signed } = await graphql<{ signUp: { accessToken: string } }>(request, SIGN_UP, { variables: { email: 'ann@example.test', password: PASSWORD } });
    const { response, body } = await graphql(request, '{ me { id } }', { headers: { authorization: `Bearer ${signed.data!.signUp.accessToken}` } });
    expect(response.status).toBe(200);
    const requestId = body.errors![0]!.extensions.requestId;
    expect(requestId).toMatch(/^[0-9a-f]{16}$/);
    expect(body).toEqual({ data: { me: null }, errors: [{ message: 'Something went wrong on our side.', locations: [{ line: 1, column: 3 }], path: ['me'], extensions: { code: 'internal_error', requestId } }] });
    // The failure goes to the server's error log once, under the id the client got.
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(new RegExp(`^\\[tessera\\] request ${requestId}: 500 internal_error; cause: `));
  });
});

describe('development and production', () => {
  it('in development: introspection works and unknown fields get suggestions', async () => {
    const introspection = await graphql<{ __schema: { mutationType: { fields: { name: string }[] } } }>(send, '{ __schema { mutationType { fields { name } } } }');
    expect(introspection.body.data!.__schema.mutationType.fields.map((field) => field.name)).toEqual([
      'signUp', 'logIn', 'verifyTwoFactor', 'refresh', 'logOut', 'logOutAll', 'changePassword', 'revokeSession',
      'enrollTwoFactor', 'confirmTwoFactor', 'disableTwoFactor', 'regenerateRecoveryCodes',
      'verifyEmail', 'resendVerification', 'requestPasswordReset', 'completePasswordReset', 'changeEmail',
    ]);
    expect((await graphql(send, '{ mee { id } }')).body.errors![0]!.message).toBe('Cannot query field "mee" on type "Query". Did you mean "me"?');
  });

  it('in production (NODE_ENV=production): no introspection and no "Did you mean"', async () => {
    const prod = await createTestApp({ NODE_ENV: 'production', TESSERA_ISSUER: 'https://auth.example.test' });
    try {
      expect(prod.config.production).toBe(true);
      const request = checkedRequest(prod.app, 'https://auth.example.test');
      for (const query of ['{ __schema { types { name } } }', '{ __type(name: "User") { fields { name } } }']) {
        const { response, body } = await graphql(request, query);
        expect(response.status).toBe(400);
        expect(body.errors![0]).toMatchObject({ message: expect.stringMatching(/^GraphQL introspection has been disabled/), extensions: { code: 'invalid_request' } });
      }
      const typo = await graphql(request, '{ mee { id } }');
      expect(typo.body.errors).toEqual([{ message: 'Cannot query field "mee" on type "Query".', locations: [{ line: 1, column: 3 }], extensions: { code: 'invalid_request' } }]);
      const enumTypo = await graphql(request, 'mutation { logIn(email: "a@b.c", password: "x", transport: BOD) { accessToken } }');
      expect(enumTypo.body.errors![0]!.message).not.toMatch(/Did you mean|BODY/);
      expect(enumTypo.body.errors![0]!.extensions.code).toBe('invalid_request');
    } finally {
      await prod.close();
    }
  });
});
