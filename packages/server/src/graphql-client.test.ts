import { createAuthClient, type AuthClient } from '@tessera/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GraphqlBody } from '../test/graphql.js';
import { checkedRequest, createTestApp, ORIGIN, PASSWORD } from '../test/harness.js';

// @tessera/client's fetch in front of POST /graphql, against the in-memory server whose clock the test moves.
let t: Awaited<ReturnType<typeof createTestApp>>;
let client: AuthClient;
let paths: string[];
beforeEach(async () => {
  t = await createTestApp();
  paths = [];
  const request = checkedRequest(t.app);
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
    return request(input, init);
  };
  // The client's clock stands still, so it never refreshes ahead of time: only the server's 401 tells it.
  const stopped = t.clock.now();
  client = createAuthClient({ baseUrl: ORIGIN, mode: 'native', fetch: fetch as typeof globalThis.fetch, crossTab: false, clock: () => stopped, refreshLeewaySeconds: 0 });
});
afterEach(async () => {
  client.destroy();
  await t.close();
});

async function me(): Promise<{ status: number; body: GraphqlBody<{ me: { email: string } }> }> {
  const response = await client.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: '{ me { email } }' }),
  });
  return { status: response.status, body: (await response.json()) as GraphqlBody<{ me: { email: string } }> };
}

describe('@tessera/client in front of POST /graphql', () => {
  it('sends the Bearer token; after the access token expires it refreshes once on token_expired and retries', async () => {
    await client.signup({ email: 'ann@example.test', password: PASSWORD });
    expect(await me()).toEqual({ status: 200, body: { data: { me: { email: 'ann@example.test' } } } });
    const before = client.getAccessToken();

    t.clock.advance(15 * 60_000 + 6_000);
    expect(await me()).toEqual({ status: 200, body: { data: { me: { email: 'ann@example.test' } } } });
    expect(paths.filter((path) => path === '/auth/refresh')).toHaveLength(1);
    // The expired try and its retry.
    expect(paths.filter((path) => path === '/graphql')).toHaveLength(3);
    expect(client.getAccessToken()).not.toBe(before);
    expect(client.getState().status).toBe('authenticated');
  });

  it('a revoked session (401 invalid_token) ends the client\'s session without a refresh', async () => {
    await client.signup({ email: 'ann@example.test', password: PASSWORD });
    const ended: unknown[] = [];
    client.on('logout', (detail) => ended.push(detail));
    const sid = (JSON.parse(Buffer.from(client.getAccessToken()!.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
    await t.runtime.auth.revokeSession(sid);

    const { status, body } = await me();
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions.code).toBe('invalid_token');
    expect(paths).not.toContain('/auth/refresh');
    expect(ended).toEqual([{ reason: 'session_ended', error: 'invalid_token' }]);
    expect(client.getState().status).toBe('unauthenticated');
  });
});
