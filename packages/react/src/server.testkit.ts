import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, startServer, type RunningServer } from '@tessera/server';
import { createAuthClient, type AuthClient, type TokenStorage } from '@tessera/client';
import { TEST_SECRET } from '@tessera/testing';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** A real Tessera server on a free port, with an in-memory database. */
export async function startTestServer(): Promise<TestServer> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'tessera-react-'));
  const env = { PORT: '0', TESSERA_DATABASE_URL: 'sqlite::memory:', TESSERA_DATA_DIR: tmp, TESSERA_SECRET: TEST_SECRET, TESSERA_RATE_LIMIT: 'off', TESSERA_LOG_LEVEL: 'silent' };
  const server: RunningServer = await startServer(loadConfig(env, tmp), { log: () => {} });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Every request a client sends, as "METHOD /path", in order. */
export interface CountedClient {
  client: AuthClient;
  requests: string[];
  storage: TokenStorage;
}

/** A native-mode client whose fetch records each request before sending it to the real server. */
export function countedClient(baseUrl: string, storage: TokenStorage = mapStorage()): CountedClient {
  const requests: string[] = [];
  const fetchSpy: typeof fetch = (input, init) => {
    const request = new Request(input, init);
    requests.push(`${request.method} ${new URL(request.url).pathname}`);
    return fetch(request);
  };
  const client = createAuthClient({ baseUrl, mode: 'native', fetch: fetchSpy, storage, crossTab: false });
  return { client, requests, storage };
}

export function mapStorage(): TokenStorage {
  const values = new Map<string, string>();
  return {
    get: (key) => values.get(key) ?? null,
    set: (key, value) => void values.set(key, value),
    remove: (key) => void values.delete(key),
  };
}

let users = 0;
/** A fresh account, signed up on the server; returns its credentials. */
export async function createUser(baseUrl: string): Promise<{ email: string; password: string }> {
  const email = `user${++users}-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  const response = await fetch(`${baseUrl}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, transport: 'body' }),
  });
  if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${await response.text()}`);
  return { email, password };
}
