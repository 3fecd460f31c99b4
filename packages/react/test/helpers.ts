// Helpers for the React bindings' tests, over the published server harness (@tessera/server/testing).
import { createAuthClient, type AuthClient, type TokenStorage } from '@tessera/client';
import { signUp, startTestServer as startServer, uniqueEmail, type TestServer } from '@tessera/server/testing';

export type { TestServer };

/** A real Tessera server on a free port, with an in-memory database. */
export function startTestServer(): Promise<TestServer> {
  return startServer();
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

/** A fresh account, signed up on the server; returns its credentials. */
export async function createUser(baseUrl: string): Promise<{ email: string; password: string }> {
  const { email, password } = await signUp(baseUrl, uniqueEmail());
  return { email, password };
}
