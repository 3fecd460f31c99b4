// Random bodies and headers into every endpoint through the fetch handler: whatever arrives, the answer is never
// a 5xx and every error has the contract's JSON shape with a catalogued code. Bounded for CI: a few seconds.
import { ERROR_CATALOG, type ErrorCode } from '@tessera/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, PASSWORD } from '../test/harness.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let real: { accessToken: string; refreshToken: string; csrfToken: string; sid: string };
beforeAll(async () => {
  t = await createTestApp();
  const response = await t.request('/auth/signup', json({ email: 'ann@example.test', password: PASSWORD, transport: 'body' }));
  const body = (await response.json()) as { accessToken: string; refreshToken: string; csrfToken: string };
  real = { ...body, sid: body.refreshToken.split('.')[0]! };
});
afterAll(async () => t.close());

const ENDPOINTS: readonly (readonly [string, string])[] = [
  ['POST', '/auth/signup'],
  ['POST', '/auth/login'],
  ['POST', '/auth/refresh'],
  ['POST', '/auth/logout'],
  ['POST', '/auth/logout-all'],
  ['POST', '/auth/password'],
  ['GET', '/auth/me'],
  ['GET', '/auth/sessions'],
  ['DELETE', '/auth/sessions/:id'],
  ['GET', '/api/user'],
  ['GET', '/api/number'],
  ['GET', '/.well-known/jwks.json'],
  ['GET', '/.well-known/openid-configuration'],
  ['GET', '/healthz'],
];
const FIELDS = ['email', 'password', 'name', 'transport', 'refreshToken', 'currentPassword', 'newPassword', 'roles', '__proto__', 'constructor'];

/** Header values as a client can really send them: Latin-1 without control characters. */
const headerText = (maxLength = 64) =>
  fc.string({ unit: 'binary-ascii', maxLength }).map((text) => text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '').trim());

const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(PASSWORD, 'ann@example.test', 'body', 'cookie', ''),
  fc.constant(null).map(() => real.refreshToken),
  fc.nat(3000).map((n) => 'x'.repeat(n)),
);

const body = fc.oneof<fc.Arbitrary<string | Uint8Array>[]>(
  fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), fieldValue, { maxKeys: 4 }).map((value) => JSON.stringify(value)),
  fc.json({ maxDepth: 4 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer({ min: 1, max: 3000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 1, max: 200 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.nat(20_000).map((n) => `{"name":"${'n'.repeat(n)}"}`),
  fc.uint8Array({ maxLength: 300 }),
  fc.constant(''),
);

const headers = fc.record(
  {
    'content-type': fc.oneof(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'), headerText()),
    authorization: fc.oneof(
      headerText(),
      headerText(200).map((text) => `Bearer ${text}`),
      fc.constant(null).map(() => `Bearer ${real.accessToken}`),
      fc.constantFrom('Bearer', 'Bearer a.b.c', 'Basic YTpi', 'bearer  x', 'Bearer ..', 'Bearer eyJhbGciOiJub25lIn0.e30.'),
      fc.nat(10_000).map((n) => `Bearer ${'a'.repeat(n)}`),
    ),
    cookie: fc.oneof(
      headerText(),
      headerText().map((text) => `tessera_refresh=${text}`),
      fc.constant(null).map(() => `tessera_refresh=${real.refreshToken}; tessera_csrf=${real.csrfToken}`),
      fc.nat(10_000).map((n) => `tessera_refresh=${'c'.repeat(n)}`),
    ),
    'x-csrf-token': fc.oneof(headerText(), fc.constant(null).map(() => real.csrfToken)),
    origin: fc.oneof(headerText(), fc.constantFrom('https://evil.example', 'null', 'http://localhost:3000')),
    'x-forwarded-for': headerText(),
    'x-forwarded-proto': fc.constantFrom('https', 'http', 'gopher'),
  },
  { requiredKeys: [] },
);

const sessionId = fc.oneof(fc.string({ maxLength: 100 }), fc.constant(null).map(() => real.sid), fc.nat(5000).map((n) => 's'.repeat(n)));

async function check(method: string, route: string, init: { body?: string | Uint8Array; headers: Record<string, string>; id: string }) {
  const path = route.replace(':id', encodeURIComponent(init.id) || 'x');
  const request: RequestInit = { method, headers: init.headers };
  if (method !== 'GET' && init.body !== undefined) request.body = init.body as BodyInit;
  const response = await t.request(path, request);
  const label = `${method} ${path.slice(0, 60)} → ${response.status}`;
  expect(response.status, label).toBeLessThan(500);
  expect(response.headers.get('x-content-type-options'), label).toBe('nosniff');
  const text = await response.text();
  if (response.status >= 400) {
    expect(response.headers.get('content-type'), label).toMatch(/^application\/json/);
    const error = JSON.parse(text) as { error: ErrorCode; message: string };
    expect(Object.keys(error).sort(), label).toEqual(['error', 'message']);
    expect(ERROR_CATALOG[error.error]?.status, label).toBe(response.status);
    expect(typeof error.message).toBe('string');
    expect(text, label).not.toMatch(/\bat .+:\d+:\d+|SELECT |INSERT |\$argon2|-----BEGIN/);
  } else if (text !== '') {
    JSON.parse(text);
  }
}

describe('fuzzing every endpoint through the fetch handler', () => {
  for (const [method, route] of ENDPOINTS) {
    it(`${method} ${route}: never a 5xx, always the JSON error shape`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.option(body, { nil: undefined }), headers, sessionId, async (payload, fields, id) => {
          const headerMap = Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
          await check(method, route, { ...(payload === undefined ? {} : { body: payload }), headers: headerMap, id });
        }),
        { numRuns: 150, interruptAfterTimeLimit: 5_000 },
      );
    });
  }
});
