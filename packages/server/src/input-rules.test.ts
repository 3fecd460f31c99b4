// Input that must never become an account or a 500: NUL bytes, invalid UTF-8, lone surrogates, invisible and
// look-alike twins of an existing address. Run over HTTP against every SQL store, because each store fails
// differently on such input (PostgreSQL refuses a NUL with an error; SQLite and MySQL keep it).
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { serviceAvailable } from '@tessera/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, json, PASSWORD } from '../test/harness.js';

const POSTGRES_URL = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.TESSERA_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const isolatedName = () => `tessera_t_${randomBytes(6).toString('hex')}`;

interface Target {
  name: string;
  available: boolean;
  /** A fresh, empty database of this kind: its TESSERA_DATABASE_URL and how to drop it. */
  open(): Promise<{ url: string; drop(): Promise<void> }>;
}

const targets: Target[] = [
  { name: 'SQLite', available: true, open: async () => ({ url: 'sqlite::memory:', drop: async () => {} }) },
  {
    name: 'PostgreSQL',
    available: await serviceAvailable({
      service: 'PostgreSQL',
      envVar: 'TESSERA_TEST_POSTGRES_URL',
      url: POSTGRES_URL,
      probe: async () => {
        const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
        await client.connect();
        await client.end();
      },
    }),
    open: async () => {
      const schema = isolatedName();
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('schema', schema);
      return {
        url: url.toString(),
        drop: async () => {
          const admin = new pg.Client({ connectionString: POSTGRES_URL });
          await admin.connect();
          await admin.query(`drop schema if exists "${schema}" cascade`);
          await admin.end();
        },
      };
    },
  },
  {
    name: 'MySQL/MariaDB',
    available: await serviceAvailable({
      service: 'MySQL/MariaDB',
      envVar: 'TESSERA_TEST_MYSQL_URL',
      url: MYSQL_URL,
      probe: async () => {
        const connection = await createConnection({ uri: MYSQL_URL, connectTimeout: 3_000 });
        await connection.end();
      },
    }),
    open: async () => {
      const database = isolatedName();
      const admin = await createConnection({ uri: MYSQL_URL });
      await admin.query(`create database \`${database}\``);
      await admin.end();
      const url = new URL(MYSQL_URL);
      url.pathname = `/${database}`;
      return {
        url: url.toString(),
        drop: async () => {
          const connection = await createConnection({ uri: MYSQL_URL });
          await connection.query(`drop database if exists \`${database}\``);
          await connection.end();
        },
      };
    },
  },
];

const VICTIM = 'victim@example.test';

describe.each(targets)('input rules over HTTP on $name', (target) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let logged: unknown[];
  let drop: () => Promise<void> = async () => {};

  beforeEach(async (context) => {
    if (!target.available) context.skip();
    const database = await target.open();
    drop = database.drop;
    logged = [];
    t = await createTestApp({ TESSERA_DATABASE_URL: database.url, TESSERA_RATE_LIMIT: 'off' }, { logError: (...args) => void logged.push(args) });
  });
  afterEach(async () => {
    if (!target.available) return;
    await t.close();
    await drop();
    // Nothing here may have been an internal error: every case is the client's mistake, answered as such.
    expect(logged).toEqual([]);
  });

  async function expectRefused(response: Response, message: RegExp): Promise<void> {
    const body = (await response.json()) as Record<string, unknown>;
    expect({ status: response.status, body }).toEqual({ status: 400, body: { error: 'invalid_request', message: expect.stringMatching(message) } });
  }

  async function signup(email: string, extra: Record<string, unknown> = {}): Promise<Response> {
    return t.request('/auth/signup', json({ email, password: PASSWORD, ...extra }));
  }

  async function storedEmails(): Promise<string[]> {
    return (await t.runtime.stores.users.listUsers()).map((user) => user.email);
  }

  it('answers a NUL byte in the email, name or password with 400 invalid_request, never 500, and stores nothing', async () => {
    await expectRefused(await signup('ann\u0000@example.test'), /email address contains a control character/);
    await expectRefused(await signup(`${VICTIM}\u0000`), /email address contains a control character/);
    await expectRefused(await signup('ann@example.test', { name: 'A\u0000nn' }), /name contains a control character/);
    await expectRefused(await signup('ann@example.test', { password: 'correct\u0000horse battery' }), /password contains a control character/);
    await expectRefused(await t.request('/auth/login', json({ email: 'ann\u0000@example.test', password: PASSWORD })), /email address contains a control character/);
    await expectRefused(await t.request('/auth/login', json({ email: 'ann@example.test', password: `${PASSWORD}\u0000` })), /password contains a control character/);
    expect(logged).toEqual([]);
    expect(await storedEmails()).toEqual([]);
  });

  it('refuses other controls: C1, DEL, a line separator, a lone surrogate (a JSON \\ud800 escape)', async () => {
    await expectRefused(await signup('ann\u0085@example.test'), /control character/);
    await expectRefused(await signup('ann@example.test', { password: 'correct horse\u007f battery' }), /password contains a control character/);
    await expectRefused(await signup('ann@example.test', { name: 'Ann\u2028Admin' }), /name contains a control character/);
    const loneSurrogate = '{"email":"ann@example.test","password":"correct horse \\ud800 battery"}';
    await expectRefused(await t.request('/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: loneSurrogate }), /password contains a control character or an invalid character/);
    expect(await storedEmails()).toEqual([]);
  });

  it('refuses a body that is not valid UTF-8 instead of decoding the bad bytes to U+FFFD', async () => {
    const raw = (email: Uint8Array, password: Uint8Array) =>
      Buffer.concat([Buffer.from('{"email":"'), email, Buffer.from('","password":"'), password, Buffer.from('"}')]);
    const request = (path: string, body: Buffer) => t.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array(body) });
    const created = await request('/auth/signup', raw(Buffer.from([0x6d, 0xff, 0x40, 0x61, 0x2e, 0x74]), Buffer.from([0x63, 0x6f, 0x72, 0x72, 0x65, 0x63, 0x74, 0x20, 0xfe, 0xfe, 0x20, 0x68, 0x6f, 0x72, 0x73, 0x65])));
    await expectRefused(created, /^The body is not valid UTF-8\.$/);
    // Different invalid bytes would have decoded to the same U+FFFD and logged into that account.
    const other = await request('/auth/login', raw(Buffer.from([0x6d, 0xc3, 0x40, 0x61, 0x2e, 0x74]), Buffer.from([0x63, 0x6f, 0x72, 0x72, 0x65, 0x63, 0x74, 0x20, 0xc0, 0x80, 0x20, 0x68, 0x6f, 0x72, 0x73, 0x65])));
    await expectRefused(other, /^The body is not valid UTF-8\.$/);
    expect(await storedEmails()).toEqual([]);
  });

  it('lets no invisible or look-alike twin of an existing account be created, and logs the twins into the one account', async () => {
    const created = await signup(VICTIM);
    expect(created.status).toBe(201);
    const victimId = ((await created.json()) as { user: { id: string } }).user.id;

    // Invisible characters are refused outright.
    await expectRefused(await signup('vic\u200btim@example.test'), /invisible or formatting character/);
    await expectRefused(await signup('victim@exam\u200dple.test'), /invisible or formatting character/);
    await expectRefused(await signup('\u202etset.elpmaxe@mitciv'), /invisible or formatting character/);
    await expectRefused(await signup('victim\u2066@example.test'), /invisible or formatting character/);
    await expectRefused(await signup('victim\u3164@example.test'), /invisible or formatting character/);
    // A Cyrillic "с" among Latin letters.
    await expectRefused(await signup('vi\u0441tim@example.test'), /mixes Latin, Greek or Cyrillic/);

    // Other spellings of the same address fold into it: the account is taken.
    for (const twin of ['ｖｉｃｔｉｍ@ｅｘａｍｐｌｅ．ｔｅｓｔ', 'victim@example.test.', ' VICTIM@Example.TEST ', 'victim@example\u3002test']) {
      const response = await signup(twin);
      expect({ twin, status: response.status, body: await response.json() }).toEqual({ twin, status: 409, body: { error: 'email_taken', message: expect.any(String) } });
      const login = await t.request('/auth/login', json({ email: twin, password: PASSWORD }));
      expect(login.status).toBe(200);
      expect(((await login.json()) as { user: { id: string; email: string } }).user).toMatchObject({ id: victimId, email: VICTIM });
    }
    expect(await storedEmails()).toEqual([VICTIM]);
  });

  it('stores an internationalised domain once, whether it came in Unicode or punycode', async () => {
    const created = await signup('ann@BÜCHER.example');
    expect(created.status).toBe(201);
    expect(((await created.json()) as { user: { email: string } }).user.email).toBe('ann@bücher.example');
    expect((await signup('ann@xn--bcher-kva.example')).status).toBe(409);
    // Scripts are fine one at a time: a Cyrillic address is an address.
    expect((await signup('иван@пример.рф')).status).toBe(201);
    expect((await storedEmails()).sort()).toEqual(['ann@bücher.example', 'иван@пример.рф']);
  });

  it('answers 404, not 500, for a session id that is a NUL byte', async () => {
    const created = (await (await signup(VICTIM)).json()) as { accessToken: string };
    const response = await t.request('/auth/sessions/%00', { method: 'DELETE', headers: { authorization: `Bearer ${created.accessToken}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not_found', message: 'There is no such session.' });
  });
});
