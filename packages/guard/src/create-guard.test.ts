import { tesseraFailure as refusal } from '@tessera/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuard, type Guard, type GuardOptions } from './index.js';
import { countingFetch, decodeClaims, startTessera, unknownKidToken, type Tessera } from '../test/tessera.js';

let tessera: Tessera;
beforeAll(async () => {
  tessera = await startTessera();
});
afterAll(() => tessera.close());

function guardFor(extra: Partial<GuardOptions> = {}): Guard {
  return createGuard({ issuer: tessera.issuer, audience: 'tessera', algorithms: ['ES256'], jwksUrl: tessera.jwksUrl, ...extra });
}

describe('createGuard with a JWKS URL, against a running Tessera server', () => {
  it('verifies a token the server issued, fetching the JWKS once and then serving from its caches', async () => {
    const counted = countingFetch();
    const guard = guardFor({ fetch: counted.fetch });
    const { accessToken, claims } = await tessera.signup();
    const verified = await guard.verify(accessToken);
    expect(verified).toMatchObject({ iss: tessera.issuer, aud: 'tessera', sub: claims.sub, sid: claims.sid, roles: [] });
    expect(await guard.verify(accessToken)).toBe(verified);
    expect(await guard.authenticate(`Bearer ${accessToken}`)).toBe(verified);
    expect(counted.calls).toEqual([tessera.jwksUrl]);
  });

  it('refuses with the exact codes: expired, wrong audience, wrong issuer, garbage, no token, malformed header', async () => {
    const { accessToken } = await tessera.signup();
    const later = guardFor({ now: () => Date.now() + 16 * 60_000 });
    expect((await refusal(later.verify(accessToken))).code).toBe('token_expired');
    expect((await refusal(guardFor({ audience: 'billing' }).verify(accessToken))).message).toBe('the token is meant for another audience');
    expect((await refusal(guardFor({ issuer: 'https://evil.example' }).verify(accessToken))).message).toBe('the token was not issued by this issuer');
    const guard = guardFor();
    expect((await refusal(guard.verify('abc.def.ghi'))).code).toBe('invalid_token');
    expect((await refusal(guard.verify(`${accessToken.slice(0, -4)}AAAA`))).message).toBe('the token signature is invalid');
    const none = await refusal(guard.authenticate(undefined));
    expect([none.code, none.message]).toEqual(['invalid_token', 'This endpoint needs an access token in the Authorization header.']);
    expect((await refusal(guard.authenticate('Basic dXNlcjpwYXNz'))).code).toBe('invalid_token');
    expect((await refusal(guard.authenticate('Bearer'))).code).toBe('invalid_request');
    expect((await refusal(guard.authenticate(`Bearer ${accessToken} x`))).code).toBe('invalid_request');
    expect((await refusal(guard.authenticate([`Bearer ${accessToken}`, `Bearer ${accessToken}`]))).code).toBe('invalid_request');
  });

  it('only accepts keys whose algorithm is allowed: an ES256 JWKS gives an EdDSA-only guard nothing to verify with', async () => {
    const { accessToken } = await tessera.signup();
    const guard = guardFor({ algorithms: ['EdDSA'] });
    expect((await refusal(guard.verify(accessToken))).message).toBe('the token kid does not name a current key');
  });
});

describe('key rotation and unknown kids', () => {
  it('a token signed with a freshly rotated key verifies after one refetch; a flood of unknown kids refetches at most once per cooldown', async () => {
    const local = await startTessera();
    try {
      let clock = Date.now();
      const counted = countingFetch();
      const guard = createGuard({ issuer: local.issuer, audience: 'tessera', algorithms: ['ES256'], jwksUrl: local.jwksUrl, fetch: counted.fetch, now: () => clock });
      const before = await local.signup();
      await guard.verify(before.accessToken);
      expect(counted.calls).toHaveLength(1);

      await local.server.runtime.keys.rotate();
      const after = await local.signup();
      expect(decodeClaims(after.accessToken)).toBeDefined();
      await expect(guard.verify(after.accessToken)).resolves.toMatchObject({ sid: after.claims.sid });
      expect(counted.calls).toHaveLength(2);
      // The old key is still published (its tokens are still alive), so the old token still verifies.
      await expect(guard.verify(before.accessToken)).resolves.toMatchObject({ sid: before.claims.sid });

      const flood = Array.from({ length: 200 }, (_, i) => guard.verify(unknownKidToken(`made-up-${i}`, local.issuer)).catch((e: unknown) => e));
      for (const error of await Promise.all(flood)) expect(error).toMatchObject({ code: 'invalid_token', message: 'the token kid does not name a current key' });
      expect(counted.calls).toHaveLength(2);

      clock += 30_001; // past the 30 s cooldown: the next unknown kid may refetch once more, and only once
      await Promise.all(Array.from({ length: 50 }, (_, i) => guard.verify(unknownKidToken(`again-${i}`, local.issuer)).catch(() => {})));
      expect(counted.calls).toHaveLength(3);
    } finally {
      await local.close();
    }
  });

  it('a key that disappears from the JWKS stops verifying after the next fetch, even for a token already cached', async () => {
    let hidden: string | undefined;
    const counted = countingFetch((document) => ({ keys: document.keys.filter((key) => key.kid !== hidden) }));
    let clock = Date.now();
    const guard = guardFor({ fetch: counted.fetch, now: () => clock, cooldownMs: 1_000, maxAgeMs: 60_000 });
    const { accessToken } = await tessera.signup();
    await guard.verify(accessToken);
    hidden = JSON.parse(Buffer.from(accessToken.split('.')[0]!, 'base64url').toString()).kid as string;
    await guard.verify(accessToken); // still cached and within maxAge: no fetch
    expect(counted.calls).toHaveLength(1);
    clock += 60_000; // the set is now older than maxAge: the next verification refetches first
    expect((await refusal(guard.verify(accessToken))).message).toBe('the token kid does not name a current key');
    expect(counted.calls.length).toBeGreaterThanOrEqual(2);
  });

  it('answers 503 unavailable while the JWKS cannot be fetched, and recovers after the cooldown', async () => {
    let down = true;
    let clock = Date.now();
    const calls: string[] = [];
    const guard = guardFor({
      now: () => clock,
      fetch: async (url, init) => {
        calls.push(url);
        if (down) throw new TypeError('fetch failed');
        return fetch(url, init);
      },
    });
    const { accessToken } = await tessera.signup();
    const error = await refusal(guard.verify(accessToken));
    expect([error.code, error.status]).toEqual(['unavailable', 503]);
    await refusal(guard.verify(accessToken));
    expect(calls).toHaveLength(1);
    down = false;
    clock += 30_000;
    await expect(guard.verify(accessToken)).resolves.toBeDefined();
    expect(calls).toHaveLength(2);
  });

  it('refuses to use the guard after close()', async () => {
    const guard = guardFor();
    await guard.close();
    expect((await refusal(guard.verify('a.b.c'))).code).toBe('unavailable');
  });
});
