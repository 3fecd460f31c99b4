import { describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import type { AuthEvent } from './events.js';
import type { AuthSettings } from './context.js';
import { createTestAuth, PASSWORD } from '../../test/auth-harness.js';

// Thumbprints as the HTTP layer passes them once it has verified a proof (43 base64url characters).
const DEVICE_KEY = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const OTHER_KEY = 'AAbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

async function setup(settings: Partial<AuthSettings> = {}) {
  const events: AuthEvent[] = [];
  const harness = await createTestAuth(settings, { onEvent: (event) => events.push(event) });
  return { ...harness, events };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; reason: string | undefined }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TesseraError)) throw new Error(`expected a TesseraError, got ${String(error)}`);
  return { code: error.code, reason: error.reason };
}

describe('DPoP session binding', () => {
  it('binds a session started with a proof: DPoP tokens carrying cnf.jkt, the thumbprint stored with the session', async () => {
    const { auth, stores } = await setup();
    const { tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, { dpopJkt: DEVICE_KEY });
    expect(tokens.tokenType).toBe('DPoP');
    expect(auth.verifyAccessToken(tokens.accessToken)).toMatchObject({ cnf: { jkt: DEVICE_KEY }, sid: tokens.sessionId });
    expect(await stores.sessions.findSession(tokens.sessionId)).toMatchObject({ dpopJkt: DEVICE_KEY });
    const login = await auth.login({ email: 'ann@example.test', password: PASSWORD }, { dpopJkt: OTHER_KEY });
    expect(auth.verifyAccessToken(login.tokens.accessToken).cnf).toEqual({ jkt: OTHER_KEY });
  });

  it('refreshes a bound session with a proof by its key, and the new token stays bound', async () => {
    const { auth, clock } = await setup();
    const { tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, { dpopJkt: DEVICE_KEY });
    clock.advance(60_000);
    const next = await auth.refresh(tokens.refreshToken, { dpopJkt: DEVICE_KEY });
    expect(next.tokenType).toBe('DPoP');
    expect(auth.verifyAccessToken(next.accessToken).cnf).toEqual({ jkt: DEVICE_KEY });
    // A grace refresh (a second tab with the superseded token) is answered bound too.
    const grace = await auth.refresh(tokens.refreshToken, { dpopJkt: DEVICE_KEY });
    expect(grace).toMatchObject({ tokenType: 'DPoP', refreshToken: next.refreshToken });
  });

  it.each([
    ['without a proof', null, 'missing'],
    ['with a proof by another key', OTHER_KEY, 'other_key'],
  ] as const)('a refresh of a bound session %s is invalid_grant, revokes the session and its access tokens, and is audited as theft', async (_case, dpopJkt, proof) => {
    const { auth, stores, events } = await setup();
    const { user, tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, { dpopJkt: DEVICE_KEY });
    expect(await failure(auth.refresh(tokens.refreshToken, { dpopJkt, ip: '198.51.100.9' }))).toEqual({ code: 'invalid_grant', reason: undefined });
    expect(await stores.sessions.findSession(tokens.sessionId)).toMatchObject({ revokedReason: 'dpop_key_mismatch' });
    expect(events.at(-1)).toMatchObject({ type: 'stolen_token_detected', userId: user.id, sessionId: tokens.sessionId, proof, sessionRevoked: true, ip: '198.51.100.9' });
    expect(() => auth.verifyAccessToken(tokens.accessToken)).toThrow(expect.objectContaining({ code: 'invalid_token', reason: 'revoked' }));
    // The rightful device is logged out too: it logs in again, which is how the theft surfaces to the user.
    expect(await failure(auth.refresh(tokens.refreshToken, { dpopJkt: DEVICE_KEY }))).toMatchObject({ code: 'invalid_grant' });
  });

  it('without a proof (optional mode) the session is a bearer session as before, and a later proof does not bind it', async () => {
    const { auth, stores } = await setup();
    const { tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    expect(tokens.tokenType).toBe('Bearer');
    expect(auth.verifyAccessToken(tokens.accessToken).cnf).toBeUndefined();
    expect(await stores.sessions.findSession(tokens.sessionId)).toMatchObject({ dpopJkt: null });
    const next = await auth.refresh(tokens.refreshToken, { dpopJkt: DEVICE_KEY });
    expect(next.tokenType).toBe('Bearer');
  });

  it('TESSERA_DPOP=off ignores proofs: bearer sessions only', async () => {
    const { auth, stores } = await setup({ dpop: 'off' });
    const { tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, { dpopJkt: DEVICE_KEY });
    expect(tokens.tokenType).toBe('Bearer');
    expect(auth.verifyAccessToken(tokens.accessToken).cnf).toBeUndefined();
    expect(await stores.sessions.findSession(tokens.sessionId)).toMatchObject({ dpopJkt: null });
  });

  it('TESSERA_DPOP=required refuses to start a session without a proof, and nothing is stored', async () => {
    const { auth, stores } = await setup({ dpop: 'required' });
    expect(await failure(auth.signup({ email: 'ann@example.test', password: PASSWORD }, {}))).toEqual({ code: 'invalid_dpop_proof', reason: 'dpop_missing' });
    expect(await stores.users.findUserByEmail('ann@example.test')).toBeNull();
    const { user, tokens } = await auth.signup({ email: 'bob@example.test', password: PASSWORD }, { dpopJkt: DEVICE_KEY });
    expect(tokens.tokenType).toBe('DPoP');
    expect(await failure(auth.login({ email: 'bob@example.test', password: PASSWORD }, {}))).toMatchObject({ code: 'invalid_dpop_proof' });
    expect(await stores.sessions.listUserSessions(user.id, new Date())).toHaveLength(1);
  });
});
