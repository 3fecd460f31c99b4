// Helpers for the guard's tests: the published server harness (@tessera/server/testing), and tokens from it.
import { createJti, signAccessToken, type AccessTokenClaims } from '@tessera/core/token';
import type { RunningServer } from '@tessera/server';
import { startTestServer } from '@tessera/server/testing';
import type { GuardFetch } from '../src/options.js';
import { TEST_SECRET } from '@tessera/testing';

export const SECRET = TEST_SECRET;

export interface Tessera {
  server: RunningServer;
  url: string;
  issuer: string;
  jwksUrl: string;
  signup(email?: string): Promise<{ accessToken: string; refreshToken: string; claims: AccessTokenClaims }>;
  /** A token signed with the server's current key, with claims the server would not issue (roles, scope). */
  mint(claims: Partial<AccessTokenClaims> & Record<string, unknown>): string;
  close(): Promise<void>;
}

let counter = 0;

export async function startTessera(env: Record<string, string> = {}): Promise<Tessera> {
  const server = await startTestServer({ TESSERA_SECRET: SECRET, ...env });
  const url = server.url;
  return {
    server,
    url,
    issuer: url,
    jwksUrl: `${url}/.well-known/jwks.json`,
    async signup(email = `user${++counter}-${process.pid}@example.test`) {
      const response = await fetch(`${url}/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'correct horse battery', transport: 'body' }),
      });
      if (response.status !== 201) throw new Error(`signup answered ${response.status}: ${await response.text()}`);
      const body = (await response.json()) as { accessToken: string; refreshToken: string };
      return { ...body, claims: decodeClaims(body.accessToken) };
    },
    mint(claims) {
      const nowSeconds = Math.floor(Date.now() / 1000);
      const base: AccessTokenClaims = { iss: url, aud: 'tessera', sub: 'user-1', sid: `sid-${++counter}`, jti: createJti(), iat: nowSeconds, exp: nowSeconds + 900, roles: [] };
      return signAccessToken(server.runtime.keys.signingKey(), { ...base, ...claims } as AccessTokenClaims);
    },
    close: () => server.close(),
  };
}

export function decodeClaims(token: string): AccessTokenClaims {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as AccessTokenClaims;
}

/** `fetch` that counts the calls the guard makes (and can rewrite what it sees). */
export function countingFetch(rewrite?: (document: { keys: { kid: string }[] }) => unknown): { fetch: GuardFetch; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push(url);
      const response = await fetch(url, init);
      if (rewrite === undefined) return response;
      const document = rewrite((await response.json()) as { keys: { kid: string }[] });
      return new Response(JSON.stringify(document), { status: response.status, headers: { 'content-type': 'application/json' } });
    },
  };
}

/** A well-formed token naming a kid the issuer never had (its signature is never reached). */
export function unknownKidToken(kid: string, issuer: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'ES256', kid, typ: 'at+jwt' })}.${part({ iss: issuer, aud: 'tessera', sub: 'x', sid: 'y', jti: 'z', iat: now, exp: now + 60, roles: [] })}.${Buffer.alloc(64).toString('base64url')}`;
}
