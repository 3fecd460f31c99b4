import { TesseraError } from '@tessera/core';
import { createSqlStores } from '@tessera/store-sql';
import { createFixedClock } from '@tessera/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, json, PASSWORD, signupWithCookie } from '../test/harness.js';
import { createErrorLog } from './http/error-log.js';

/** A real refused connection: nothing listens on port 1. */
const REFUSING_POSTGRES = 'postgres://postgres@127.0.0.1:1/test';
const REQUEST_ID = /^[0-9a-f]{16}$/;

/** An error as a driver throws it: a code, and a message that quotes the query's parameter. */
function driverError(): Error {
  return Object.assign(new Error(`Duplicate entry '${PASSWORD}' for key 'tessera_users_email_key'`), { code: 'ER_DUP_ENTRY', errno: 1062 });
}

describe('the error log', () => {
  it('writes one line for a 503: request id, status, code and the causes by name and code', () => {
    const written: string[] = [];
    const log = createErrorLog({ write: (text) => written.push(text) });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect', errno: -111 });
    log(new TesseraError('unavailable', undefined, { cause: refused }), 'abc123');
    expect(written).toEqual(['[tessera] request abc123: 503 unavailable; cause: Error [ECONNREFUSED] connect ECONNREFUSED 127.0.0.1:5432']);
  });

  it('writes a stack for an internal error at most once a minute, never a driver message, and says how many it withheld', () => {
    const written: string[] = [];
    const clock = createFixedClock(Date.UTC(2031, 0, 1));
    const log = createErrorLog({ write: (text) => written.push(text), now: clock.now });
    const internal = () => new TesseraError('internal_error', undefined, { cause: driverError() });
    log(internal(), 'first');
    log(internal(), 'second');
    clock.advance(59_000);
    log(internal(), 'third');
    clock.advance(1_000);
    log(internal(), 'fourth');

    const [first, second, third, fourth] = written;
    expect(written).toHaveLength(4);
    const firstLines = first!.split('\n');
    expect(firstLines[0]).toBe('[tessera] request first: 500 internal_error; cause: Error [ER_DUP_ENTRY]');
    expect(firstLines[1]).toBe('TesseraError [internal_error]');
    expect(firstLines.filter((line) => /^\s+at /.test(line)).length).toBeGreaterThan(2);
    expect(firstLines).toContain('caused by: Error [ER_DUP_ENTRY]');
    expect(second).toBe('[tessera] request second: 500 internal_error; cause: Error [ER_DUP_ENTRY] (stack trace withheld: at most one every 60s)');
    expect(third).toBe('[tessera] request third: 500 internal_error; cause: Error [ER_DUP_ENTRY] (stack trace withheld: at most one every 60s)');
    expect(fourth!.split('\n')[0]).toBe('[tessera] request fourth: 500 internal_error; cause: Error [ER_DUP_ENTRY]');
    expect(fourth!.split('\n').at(-1)).toBe('  (2 stack traces withheld since the last one)');
    for (const text of written) expect(text).not.toContain(PASSWORD);
  });

  it('keeps a message of an uncoded error (a bug) to one line: a newline in it cannot forge a second log line', () => {
    const written: string[] = [];
    const log = createErrorLog({ write: (text) => written.push(text) });
    log(new TesseraError('unavailable', undefined, { cause: new Error('Connection is closed.\n[tessera] request forged: 200 ok') }), 'id');
    expect(written).toEqual(['[tessera] request id: 503 unavailable; cause: Error Connection is closed. [tessera] request forged: 200 ok']);
  });
});

describe('a failing request over HTTP', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let logged: string[];
  const closers: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    logged = [];
    t = await createTestApp({}, { logError: (text) => void logged.push(text) });
  });
  afterEach(async () => {
    await t.close();
    for (const close of closers.splice(0)) await close();
  });

  async function expectLoggedOnce(response: Response, status: number, code: string): Promise<string> {
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: code, message: expect.any(String) });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(REQUEST_ID);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.startsWith(`[tessera] request ${id}: ${status} ${code}; cause: `)).toBe(true);
    return logged[0]!;
  }

  it('answers 503 with an X-Request-Id and logs one line naming the refused connection, when the user store is down', async () => {
    await signupWithCookie(t.request);
    const down = await createSqlStores(REFUSING_POSTGRES, { migrate: false, connectTimeoutMs: 1_000 });
    closers.push(() => down.close());
    t.runtime.stores.users = down.users;
    const line = await expectLoggedOnce(await t.request('/auth/login', json({ email: 'ann@example.test', password: PASSWORD })), 503, 'unavailable');
    expect(line).toMatch(/\[ECONNREFUSED\]/);
    expect(line).not.toContain('\n');
    expect(line).not.toContain(PASSWORD);
  });

  it('logs a 503 from a cookie refresh and a Bearer logout too (they used to answer without reaching the log)', async () => {
    const ann = await signupWithCookie(t.request);
    const down = await createSqlStores(REFUSING_POSTGRES, { migrate: false, connectTimeoutMs: 1_000 });
    closers.push(() => down.close());
    t.runtime.stores.users = down.users;
    const cookie = Object.entries(ann.jar).map(([k, v]) => `${k}=${v}`).join('; ');
    await expectLoggedOnce(await t.request('/auth/refresh', { method: 'POST', headers: { cookie, 'x-csrf-token': ann.body.csrfToken } }), 503, 'unavailable');
    logged.length = 0;
    t.runtime.stores.sessions = down.sessions;
    await expectLoggedOnce(await t.request('/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${ann.body.accessToken}` } }), 503, 'unavailable');
  });

  it('answers 500 with an X-Request-Id and logs the line and one stack when a store fails unexpectedly', async () => {
    await signupWithCookie(t.request);
    const closed = await createSqlStores('sqlite::memory:');
    await closed.close();
    t.runtime.stores.users = closed.users;
    const text = await expectLoggedOnce(await t.request('/auth/login', json({ email: 'ann@example.test', password: PASSWORD })), 500, 'internal_error');
    expect(text.split('\n').filter((line) => /^\s+at /.test(line)).length).toBeGreaterThan(0);
    expect(text).not.toContain(PASSWORD);
  });
});
