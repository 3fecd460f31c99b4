import * as argon2 from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { ARGON2_PARAMS } from '../password/hash.js';
import { failure } from '../../test/helpers.js';
import { TesseraError } from '../errors.js';
import { createTestAuth, PASSWORD } from '../../test/auth-harness.js';

describe('signup and login', () => {
  it('normalises emails so case and space variants are one account', async () => {
    const { auth } = await createTestAuth();
    const { user } = await auth.signup({ email: '  Ann@Example.TEST ', password: PASSWORD }, {});
    expect(user.email).toBe('ann@example.test');
    expect((await failure(auth.signup({ email: 'ANN@example.test', password: PASSWORD }, {}))).code).toBe('email_taken');
    const { user: again } = await auth.login({ email: 'ann@EXAMPLE.test', password: PASSWORD }, {});
    expect(again.id).toBe(user.id);
  });

  it('lets exactly one of two racing signups with one email through', async () => {
    const { auth } = await createTestAuth();
    const results = await Promise.allSettled([
      auth.signup({ email: 'race@example.test', password: PASSWORD }, {}),
      auth.signup({ email: 'race@example.test', password: PASSWORD }, {}),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('answers an unknown email and a wrong password with the same error', async () => {
    const { auth } = await createTestAuth();
    await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    const unknown = await failure(auth.login({ email: 'nobody@example.test', password: PASSWORD }, {}));
    const wrong = await failure(auth.login({ email: 'ann@example.test', password: 'wrong password!' }, {}));
    expect(unknown.code).toBe('invalid_credentials');
    expect(unknown.toJSON()).toEqual(wrong.toJSON());
  });

  it('counts password length in code points and never truncates', async () => {
    const { auth } = await createTestAuth();
    expect((await failure(auth.signup({ email: 'a@example.test', password: '🔑🔑🔑🔑🔑🔑🔑' }, {}))).code).toBe('invalid_request');
    await auth.signup({ email: 'b@example.test', password: '🔑🔑🔑🔑🔑🔑🔑🔑' }, {});
    const long = 'x'.repeat(100) + 'tail-A';
    await auth.signup({ email: 'c@example.test', password: long }, {});
    expect((await failure(auth.login({ email: 'c@example.test', password: 'x'.repeat(100) + 'tail-B' }, {}))).code).toBe('invalid_credentials');
    expect((await failure(auth.signup({ email: 'd@example.test', password: 'y'.repeat(129) }, {}))).code).toBe('invalid_request');
  });

  it('hashes with argon2id at the required strength and never stores the password', async () => {
    const { auth, stores } = await createTestAuth();
    const { user } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    const stored = await stores.users.findUserById(user.id);
    expect(stored!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored!.passwordHash).not.toContain(PASSWORD);
  });

  it('issues access tokens with exactly the contract claims', async () => {
    const { auth, clock } = await createTestAuth();
    const { user, tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD, name: 'Ann' }, {});
    const claims = auth.verifyAccessToken(tokens.accessToken);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'roles', 'sid', 'sub']);
    expect(claims).toMatchObject({ iss: 'https://auth.example.test', aud: 'tessera', sub: user.id, sid: tokens.sessionId, roles: [] });
    expect(claims.iat).toBe(Math.floor(clock.now() / 1000));
    expect(claims.exp - claims.iat).toBe(900);
    expect(tokens.accessToken.length).toBeLessThan(1024);
  });
});

describe('input rules at login and password change', () => {
  it('logs in with a password hashed before passwords were normalised, then upgrades the hash to the NFKC form', async () => {
    const { auth, stores } = await createTestAuth();
    const decomposed = 'cafe\u0301 au lait su\u0302r';
    const { user } = await auth.signup({ email: 'ann@example.test', password: 'placeholder password 1' }, {});
    await stores.users.updatePasswordHash(user.id, await argon2.hash(decomposed, ARGON2_PARAMS), new Date());
    const legacyHash = (await stores.users.findUserById(user.id))!.passwordHash;
    expect((await failure(auth.login({ email: 'ann@example.test', password: 'caf\u00e9 au lait s\u00fbr' }, {}))).code).toBe('invalid_credentials');
    await auth.login({ email: 'ann@example.test', password: decomposed }, {});
    expect((await stores.users.findUserById(user.id))!.passwordHash).not.toBe(legacyHash);
    // Now either form of the same password works.
    await auth.login({ email: 'ann@example.test', password: 'caf\u00e9 au lait s\u00fbr' }, {});
  });

  it('answers a control character in a presented password with 400, before counting or hashing anything', async () => {
    const { auth } = await createTestAuth();
    const { tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    const claims = auth.verifyAccessToken(tokens.accessToken);
    const login = await failure(auth.login({ email: 'ann@example.test', password: `${PASSWORD}\u0000` }, {}));
    expect(login.toJSON()).toEqual({ error: 'invalid_request', message: 'The password contains a control character or an invalid character.' });
    const change = await failure(auth.changePassword(claims, `${PASSWORD}\u0000`, 'a new password 1'));
    expect(change.toJSON()).toEqual({ error: 'invalid_request', message: 'The current password contains a control character or an invalid character.' });
  });
});

describe('logout, sessions and password change', () => {
  it('logout-all revokes every session of the user and their access tokens at once', async () => {
    const { auth } = await createTestAuth();
    const a = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    const b = await auth.login({ email: 'ann@example.test', password: PASSWORD }, {});
    await auth.logoutAll(auth.verifyAccessToken(a.tokens.accessToken));
    for (const tokens of [a.tokens, b.tokens]) {
      expect(() => auth.verifyAccessToken(tokens.accessToken)).toThrowError(TesseraError);
      expect((await failure(auth.refresh(tokens.refreshToken))).code).toBe('invalid_grant');
    }
  });

  it('a session delete of somebody else\'s session is not found, and changes nothing', async () => {
    const { auth } = await createTestAuth();
    const ann = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    const bob = await auth.signup({ email: 'bob@example.test', password: PASSWORD }, {});
    const annClaims = auth.verifyAccessToken(ann.tokens.accessToken);
    expect((await failure(auth.deleteSession(annClaims, bob.tokens.sessionId))).code).toBe('not_found');
    expect(auth.verifyAccessToken(bob.tokens.accessToken).sub).toBe(bob.user.id);
    await auth.deleteSession(annClaims, ann.tokens.sessionId);
    expect(() => auth.verifyAccessToken(ann.tokens.accessToken)).toThrowError(TesseraError);
  });

  it('a password change keeps the caller in and logs every other session out', async () => {
    const { auth } = await createTestAuth();
    const here = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    const elsewhere = await auth.login({ email: 'ann@example.test', password: PASSWORD }, {});
    const claims = auth.verifyAccessToken(here.tokens.accessToken);
    expect((await failure(auth.changePassword(claims, 'not my password', 'a new password 1'))).code).toBe('invalid_request');
    await auth.changePassword(claims, PASSWORD, 'a new password 1');
    expect(auth.verifyAccessToken(here.tokens.accessToken).sid).toBe(here.tokens.sessionId);
    expect(() => auth.verifyAccessToken(elsewhere.tokens.accessToken)).toThrowError(TesseraError);
    expect((await failure(auth.login({ email: 'ann@example.test', password: PASSWORD }, {}))).code).toBe('invalid_credentials');
    await auth.login({ email: 'ann@example.test', password: 'a new password 1' }, {});
  });

  it('lists live sessions with the current one marked', async () => {
    const { auth } = await createTestAuth();
    const here = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, { userAgent: 'Firefox', ip: '198.51.100.4' });
    await auth.login({ email: 'ann@example.test', password: PASSWORD }, { userAgent: 'Phone', ip: '198.51.100.5' });
    const sessions = await auth.listSessions(auth.verifyAccessToken(here.tokens.accessToken));
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toEqual([expect.objectContaining({ id: here.tokens.sessionId, userAgent: 'Firefox', ip: '198.51.100.4' })]);
  });

  it('logout with a refresh token that is not ours is a no-op, with ours it ends the session', async () => {
    const { auth } = await createTestAuth();
    const { tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    await auth.logoutWithRefreshToken(`${tokens.sessionId}.${Buffer.alloc(48).toString('base64url')}`);
    expect(auth.verifyAccessToken(tokens.accessToken).sid).toBe(tokens.sessionId);
    await auth.logoutWithRefreshToken(tokens.refreshToken);
    expect(() => auth.verifyAccessToken(tokens.accessToken)).toThrowError(TesseraError);
  });
});
