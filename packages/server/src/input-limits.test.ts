import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_AUTHORIZATION_HEADER_BYTES as MAX_CREDENTIAL_HEADER_BYTES } from '@tessera/core/http';
import { createTestApp, json, PASSWORD, signupWithCookie } from '../test/harness.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

async function expectInvalid(response: Response, message?: RegExp) {
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: string; message: string };
  expect(body.error).toBe('invalid_request');
  if (message) expect(body.message).toMatch(message);
}

describe('header sizes', () => {
  it('refuses an Authorization header over 8 KiB on every route, with the RFC 6750 challenge', async () => {
    const authorization = `Bearer ${'a'.repeat(MAX_CREDENTIAL_HEADER_BYTES)}`;
    for (const [method, route] of [['GET', '/auth/me'], ['GET', '/api/number'], ['POST', '/auth/logout'], ['GET', '/healthz']] as const) {
      const response = await t.request(route, { method, headers: { authorization } });
      expect(response.headers.get('www-authenticate'), route).toMatch(/error="invalid_request"/);
      await expectInvalid(response, /Authorization header is larger than 8 KiB/);
    }
  });

  it('reads an Authorization header of exactly 8 KiB (the limit is 8 KiB, not less)', async () => {
    const authorization = `Bearer ${'a'.repeat(MAX_CREDENTIAL_HEADER_BYTES - 'Bearer '.length)}`;
    const response = await t.request('/auth/me', { headers: { authorization } });
    expect(response.status).toBe(401);
  });

  it('refuses a Cookie header over 8 KiB', async () => {
    const { body, jar } = await signupWithCookie(t.request);
    const cookie = `tessera_refresh=${jar.tessera_refresh}; padding=${'p'.repeat(MAX_CREDENTIAL_HEADER_BYTES)}`;
    await expectInvalid(await t.request('/auth/refresh', { method: 'POST', headers: { cookie, 'x-csrf-token': body.csrfToken } }), /Cookie header is larger than 8 KiB/);
  });
});

describe('body size and shape', () => {
  it('refuses JSON nested deeper than 32 levels before parsing it, and accepts 32', async () => {
    const nested = (depth: number) => `{"email":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    await expectInvalid(await t.request('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: nested(33) }), /nested more than 32/);
    // 32 levels parse; the field is then refused for its type, not its depth.
    await expectInvalid(await t.request('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: nested(32) }), /must be a string/);
    // Brackets inside strings are text, not nesting: this one reaches the password check.
    const inString = JSON.stringify({ email: `${'['.repeat(40)}"\\{@example.test`, password: PASSWORD });
    const response = await t.request('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: inString });
    expect(response.status).toBe(401);
  });

  it('refuses a streamed body over 16 KiB that declares no length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(4096));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await t.request('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    await expectInvalid(response, /larger than 16 KiB/);
  });
});

describe('every field has a length limit', () => {
  const valid = { email: 'ann@example.test', password: PASSWORD };
  const cases: [string, string, Record<string, unknown>, RegExp][] = [
    ['/auth/signup', 'email (over the transport limit)', { ...valid, email: `${'a'.repeat(320)}@example.test` }, /field "email" is too long/],
    ['/auth/signup', 'email (over 254)', { ...valid, email: `${'a'.repeat(250)}@example.test` }, /email address is not valid/],
    ['/auth/signup', 'password (over the transport limit)', { ...valid, password: 'p'.repeat(1025) }, /field "password" is too long/],
    ['/auth/signup', 'password (over 128 code points)', { ...valid, password: '🔑'.repeat(129) }, /at most 128/],
    ['/auth/signup', 'name (over the transport limit)', { ...valid, name: 'n'.repeat(401) }, /field "name" is too long/],
    ['/auth/signup', 'name (over 100)', { ...valid, name: 'n'.repeat(101) }, /at most 100/],
    ['/auth/signup', 'transport', { ...valid, transport: 'x'.repeat(5000) }, /must be one of cookie, body/],
    ['/auth/login', 'email', { ...valid, email: `${'a'.repeat(320)}@example.test` }, /field "email" is too long/],
    ['/auth/login', 'password', { ...valid, password: 'p'.repeat(1025) }, /field "password" is too long/],
    ['/auth/refresh', 'refreshToken', { refreshToken: 'r'.repeat(257) }, /field "refreshToken" is too long/],
    ['/auth/logout', 'refreshToken', { refreshToken: 'r'.repeat(257) }, /field "refreshToken" is too long/],
  ];
  for (const [route, field, body, message] of cases) {
    it(`${route}: ${field}`, async () => expectInvalid(await t.request(route, json(body)), message));
  }

  it('/auth/password: currentPassword and newPassword', async () => {
    const { body } = await signupWithCookie(t.request);
    const authorization = `Bearer ${body.accessToken}`;
    const change = (fields: Record<string, string>) => t.request('/auth/password', json(fields, { authorization }));
    await expectInvalid(await change({ currentPassword: 'c'.repeat(1025), newPassword: 'a new password 1' }), /field "currentPassword" is too long/);
    await expectInvalid(await change({ currentPassword: PASSWORD, newPassword: 'n'.repeat(1025) }), /field "newPassword" is too long/);
    await expectInvalid(await change({ currentPassword: PASSWORD, newPassword: 'n'.repeat(129) }), /at most 128/);
  });

  it('refuses a common password, or the email as the password, with a message that says why', async () => {
    await expectInvalid(await t.request('/auth/signup', json({ email: 'ann@example.test', password: 'iloveyou' })), /one of the most common passwords/);
    await expectInvalid(await t.request('/auth/signup', json({ email: 'annabelle@example.test', password: 'annabelle@example.test' })), /email address/);
    const { body } = await signupWithCookie(t.request);
    const change = await t.request('/auth/password', json({ currentPassword: PASSWORD, newPassword: 'Password123' }, { authorization: `Bearer ${body.accessToken}` }));
    await expectInvalid(change, /one of the most common passwords/);
  });
});
