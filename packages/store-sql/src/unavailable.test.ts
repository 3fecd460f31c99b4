import { createServer, type Server, type Socket } from 'node:net';
import { ERROR_CATALOG, TesseraError } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlStores } from './create-sql-stores.js';

async function rejection(promise: Promise<unknown>): Promise<TesseraError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TesseraError);
  return error as TesseraError;
}

function expectUnavailable(error: TesseraError): void {
  expect(error.code).toBe('unavailable');
  expect(error.status).toBe(503);
  // The catalog sentence, never driver text, SQL or the URL.
  expect(error.message).toBe(ERROR_CATALOG.unavailable.message);
  expect(error.cause).toBeDefined();
}

/** A port nothing listens on: connections are refused at once. */
const CLOSED = '127.0.0.1:1';

describe.each([
  ['PostgreSQL', `postgres://postgres@${CLOSED}/test`],
  ['MySQL', `mysql://root@${CLOSED}/test`],
])('%s that refuses connections', (_name, url) => {
  it("makes store calls and ping reject quickly with 'unavailable'", async () => {
    const stores = await createSqlStores(url, { migrate: false, connectTimeoutMs: 1_000 });
    const started = Date.now();
    const error = await rejection(stores.users.findUserById('someone'));
    expectUnavailable(error);
    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
    expectUnavailable(await rejection(stores.sessions.rotateSession('s', {
      expectedSecretHash: 'a', newSecretHash: 'b', rotationNonce: 'n', rotatedAt: new Date(), idleExpiresAt: new Date(), earlierRotations: [],
    })));
    expectUnavailable(await rejection(stores.keys.addSigningKey({
      kid: 'k', alg: 'HS256', publicJwk: null, privateKeyEncrypted: null, createdAt: new Date(), retiredAt: null,
    })));
    expectUnavailable(await rejection(stores.ping()));
    expect(Date.now() - started).toBeLessThan(3_000);
    await stores.close();
  });

  it("makes createSqlStores (which migrates) reject with 'unavailable'", async () => {
    expectUnavailable(await rejection(createSqlStores(url, { connectTimeoutMs: 1_000 })));
  });
});

describe('a server that accepts connections but never answers', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  let port = 0;

  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => server.close(done));
  });

  it.each([['postgres'], ['mysql']])("times out into 'unavailable' (%s)", async (scheme) => {
    const stores = await createSqlStores(`${scheme}://root@127.0.0.1:${port}/test`, { migrate: false, connectTimeoutMs: 300 });
    const started = Date.now();
    expectUnavailable(await rejection(stores.users.listUsers()));
    expect(Date.now() - started).toBeLessThan(3_000);
    await stores.close();
  });
});
