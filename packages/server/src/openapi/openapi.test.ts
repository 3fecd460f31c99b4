import { Validator } from '@seriousme/openapi-schema-validator';
import { ERROR_CATALOG, TesseraError, type ErrorCode } from '@tessera/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlRequestFields } from '../graphql/routes.js';
import { createTestApp } from '../../test/harness.js';
import { checkFields, type FieldSpec } from '../http/json-body.js';
import { credentialFields, passwordFields, refreshFields, signupFields } from '../routes/auth-fields.js';
import { fieldsToJsonSchema } from './field-schema.js';
import { createResponseCheck } from '../../test/openapi-response-check.js';

type Operation = {
  security: Record<string, []>[];
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { headers?: Record<string, { required?: boolean }>; content?: Record<string, { schema: { allOf?: unknown[] } }> }>;
};
type Document = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { enum?: string[] }>; securitySchemes: Record<string, Record<string, string>> };
};

let t: Awaited<ReturnType<typeof createTestApp>>;
let served: Response;
let document: Document;
beforeAll(async () => {
  t = await createTestApp({ TESSERA_ISSUER: 'https://auth.example.test' });
  served = await t.request('/openapi.json');
  document = (await served.clone().json()) as Document;
});
afterAll(async () => t.close());

/** The error codes an operation documents for one status, read back from its response schema. */
function codesOf(operation: Operation, status: number): string[] {
  const schema = operation.responses[String(status)]?.content?.['application/json']?.schema;
  const narrowed = schema?.allOf?.[1] as { properties: { error: { enum: string[] } } } | undefined;
  return narrowed?.properties.error.enum ?? [];
}

describe('GET /openapi.json', () => {
  it('serves an OpenAPI 3.1 document that a validator of the specification accepts', async () => {
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(document.servers).toEqual([{ url: 'https://auth.example.test' }]);
  });

  it('describes every route the app serves, and no route it does not', () => {
    const served = new Set<string>();
    for (const route of t.app.routes) {
      // `ALL` entries are middleware and the GraphQL 405 fallback, not operations.
      if (route.method !== 'ALL') served.add(`${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    }
    const documented = new Set(Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`)));
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it('enumerates exactly the codes of the error catalog, and every error response lists codes of its own status', () => {
    expect(document.components.schemas.ErrorCode!.enum).toEqual(Object.keys(ERROR_CATALOG));
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const status of Object.keys(operation.responses).map(Number).filter((status) => status >= 400)) {
          const codes = path.endsWith('graphql') ? [] : codesOf(operation, status);
          for (const code of codes) expect(ERROR_CATALOG[code as ErrorCode].status, `${method} ${path} ${code}`).toBe(status);
        }
        // Any route can meet an oversized credential header or an internal failure.
        expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '500']));
      }
    }
  });

  it('states the contract per route: statuses, codes, challenges and Retry-After', () => {
    const op = (method: string, path: string) => document.paths[path]![method]!;
    expect(codesOf(op('post', '/auth/login'), 401)).toEqual(['invalid_credentials', 'two_factor_required', 'invalid_dpop_proof', 'use_dpop_nonce']);
    expect(codesOf(op('post', '/auth/signup'), 409)).toEqual(['email_taken']);
    expect(codesOf(op('post', '/auth/refresh'), 401)).toEqual(['invalid_grant', 'invalid_dpop_proof', 'use_dpop_nonce']);
    // Every way into a session checks a proof that comes along: the second-factor step and a passkey sign-in too.
    expect(codesOf(op('post', '/auth/two-factor/verify'), 401)).toEqual(['invalid_challenge', 'invalid_two_factor_code', 'invalid_dpop_proof', 'use_dpop_nonce']);
    expect(codesOf(op('post', '/auth/passkeys/login'), 401)).toEqual(['invalid_dpop_proof', 'use_dpop_nonce']);
    // Documented, not required: they come only with TESSERA_DPOP_NONCE=on and a DPoP header.
    const refreshRefused = op('post', '/auth/refresh').responses['401']!.headers!;
    expect([refreshRefused['WWW-Authenticate']?.required, refreshRefused['DPoP-Nonce']?.required]).toEqual([undefined, undefined]);
    expect(Object.keys(refreshRefused).sort()).toEqual(['DPoP-Nonce', 'WWW-Authenticate']);
    expect(op('post', '/auth/login').responses['200']!.headers).toHaveProperty('DPoP-Nonce');
    expect(op('get', '/healthz').responses['200']!.headers).toBeUndefined();
    expect(codesOf(op('post', '/auth/refresh'), 403)).toEqual(['csrf_failed']);
    expect(codesOf(op('delete', '/auth/sessions/{id}'), 404)).toEqual(['not_found']);
    expect(codesOf(op('get', '/readyz'), 503)).toEqual(['unavailable']);
    expect(codesOf(op('post', '/auth/login'), 415)).toEqual(['unsupported_media_type']);
    expect(codesOf(op('get', '/auth/me'), 401)).toEqual(['invalid_token', 'token_expired', 'invalid_dpop_proof', 'use_dpop_nonce']);
    expect(op('get', '/auth/me').responses['401']!.headers!['WWW-Authenticate']!.required).toBe(true);
    expect(op('post', '/auth/login').responses['429']!.headers!['Retry-After']!.required).toBe(true);
    expect(Object.keys(op('post', '/auth/signup').responses)).toEqual(['201', '400', '401', '409', '415', '429', '500', '503']);
    expect(op('get', '/auth/me').security).toEqual([{ bearer: [] }]);
    expect(op('post', '/auth/refresh').security).toEqual([{ refreshCookie: [], csrfHeader: [] }, {}]);
    expect(op('get', '/healthz').security).toEqual([]);
    expect(document.components.securitySchemes.refreshCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'tessera_refresh' });
    expect(document.components.securitySchemes.csrfHeader).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' });
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    // A cookie refresh or logout sends no body at all; signup cannot.
    expect(op('post', '/auth/refresh').requestBody!.required).toBe(false);
    expect(op('post', '/auth/signup').requestBody!.required).toBe(true);
  });
});

describe('request schemas are the field lists that validate requests', () => {
  const ajv = new Ajv2020({ strict: false });
  const lists: [string, FieldSpec][] = [
    ['signup', signupFields], ['login', credentialFields], ['refresh', refreshFields], ['password', passwordFields], ['graphql', graphqlRequestFields],
  ];
  // Mostly fitting values, with every kind of misfit mixed in: wrong types, null, lengths around each limit.
  const fieldValue = (field: FieldSpec[string]) => fc.oneof(
    { weight: 6, arbitrary: field.type === 'object' ? fc.constant({ a: 1 }) : field.type === 'boolean' ? fc.boolean() : fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...(field.oneOf ?? ['x']))) },
    { weight: 1, arbitrary: fc.constantFrom((field.maxLength ?? 1) - 1, field.maxLength ?? 1, (field.maxLength ?? 1) + 1).map((length) => 'a'.repeat(Math.max(0, length))) },
    { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}), fc.constantFrom('Body', '')) },
  );
  const bodyFor = (spec: FieldSpec) => fc.record({
    ...Object.fromEntries(Object.entries(spec).map(([name, field]) => [name, fieldValue(field)])),
    roles: fc.constant(['admin']),
  }, { requiredKeys: [] });

  it.each(lists)('%s: the schema accepts exactly the bodies the field list accepts', (_name, spec) => {
    const validate = ajv.compile(fieldsToJsonSchema(spec));
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(bodyFor(spec), (body: Record<string, unknown>) => {
        let accepted = true;
        try {
          checkFields(body, spec);
        } catch (error) {
          expect(error).toBeInstanceOf(TesseraError);
          expect((error as TesseraError).code).toBe('invalid_request');
          accepted = false;
        }
        expect(validate(body)).toBe(accepted);
        seen[accepted ? 'accepted' : 'refused'] += 1;
      }),
      { numRuns: 1000 },
    );
    // Both sides of the rule were exercised, not only refusals.
    expect(seen.accepted).toBeGreaterThan(20);
    expect(seen.refused).toBeGreaterThan(20);
  });

  it('the served signup body is that schema', () => {
    expect(document.paths['/auth/signup']!.post!.requestBody!.content['application/json']!.schema).toEqual(fieldsToJsonSchema(signupFields));
  });
});

describe('the response check of the test harness', () => {
  const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
  const user = { id: 'u1', email: 'ann@example.test', name: null, createdAt: '2031-01-01T00:00:00.000Z' };
  const challenge = { 'www-authenticate': 'Bearer realm="tessera"' };

  it('passes a response the document describes', async () => {
    const check = createResponseCheck(document);
    await expect(check('GET', '/auth/me', json({ user }, 200))).resolves.toBeUndefined();
    await expect(check('GET', '/auth/me', json({ error: 'token_expired', message: 'The access token has expired.' }, 401, challenge))).resolves.toBeUndefined();
    await expect(check('DELETE', '/auth/sessions/abc', new Response(null, { status: 204 }))).resolves.toBeUndefined();
    await expect(check('GET', '/nowhere', json({ error: 'not_found', message: 'There is nothing at this address.' }, 404))).resolves.toBeUndefined();
  });

  it('fails a field the schema lacks, a status or code the route does not list, a missing challenge, an unexpected body', async () => {
    const check = createResponseCheck(document);
    await expect(check('GET', '/auth/me', json({ user: { ...user, passwordHash: 'x' } }, 200))).rejects.toThrow(/does not fit its schema/);
    await expect(check('GET', '/auth/me', json({ user }, 201))).rejects.toThrow(/does not list status 201/);
    await expect(check('GET', '/auth/me', json({ error: 'invalid_grant', message: 'x' }, 401, challenge))).rejects.toThrow(/does not fit/);
    await expect(check('GET', '/auth/me', json({ error: 'invalid_token', message: 'x' }, 401))).rejects.toThrow(/header WWW-Authenticate is missing/);
    await expect(check('POST', '/auth/login', json({ error: 'rate_limited', message: 'x' }, 429))).rejects.toThrow(/header Retry-After is missing/);
    await expect(check('GET', '/auth/me', new Response('{}', { status: 200, headers: { 'content-type': 'text/html' } }))).rejects.toThrow(/media type "text\/html"/);
    await expect(check('GET', '/nowhere', json({ ok: true }, 200))).rejects.toThrow(/not described/);
    // The cookie transport never puts the refresh token in a body.
    const tokens = { user, accessToken: 'a', tokenType: 'Bearer', expiresIn: 900, csrfToken: 'c' };
    await expect(check('POST', '/auth/login', json(tokens, 200))).resolves.toBeUndefined();
    await expect(check('POST', '/auth/login', json({ ...tokens, refreshToken: 'r' }, 200))).rejects.toThrow(/does not fit/);
    await expect(check('POST', '/auth/login', json({ ...tokens, refreshToken: 'r', refreshExpiresIn: 60 }, 200))).resolves.toBeUndefined();
    // Only public keys may leave through the JWKS.
    const key = { kty: 'EC', kid: 'k', alg: 'ES256', use: 'sig', crv: 'P-256', x: 'x', y: 'y' };
    await expect(check('GET', '/.well-known/jwks.json', json({ keys: [key] }, 200))).resolves.toBeUndefined();
    await expect(check('GET', '/.well-known/jwks.json', json({ keys: [{ ...key, d: 'secret' }] }, 200))).rejects.toThrow(/does not fit/);
  });
});
