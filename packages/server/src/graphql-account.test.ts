import type { AuthEvent } from '@tessera/core';
import { URI, type TOTP } from 'otpauth';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { codes, graphql, LOG_IN, SIGN_UP, VERIFY_TWO_FACTOR, type AuthPayload, type GraphqlBody } from '../test/graphql.js';
import { createTestApp, json, PASSWORD } from '../test/harness.js';
import { startSmtpServer, tokenIn } from '../test/smtp.js';

// The account operations over GraphQL — second factor, email verification, password reset, email change — each
// through the same core operation as its REST route, against a real SMTP server.

const NEW_PASSWORD = 'a brand new passphrase';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let t: Awaited<ReturnType<typeof createTestApp>>;
let events: AuthEvent[];
/** Each test's own address: the SMTP server outlives the tests, and mail is picked by recipient. */
let EMAIL = '';
let tests = 0;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => smtp.close());
beforeEach(async () => {
  t = await createTestApp({ TESSERA_SMTP_URL: smtp.url, TESSERA_MAIL_FROM: 'Tessera <auth@example.test>', TESSERA_APP_URL: 'https://app.example.test' });
  events = [];
  tests += 1;
  EMAIL = `gail-${tests}@example.test`;
  t.runtime.auth.onEvent((event) => events.push(event));
});
afterEach(async () => t.close());

/** One operation with the caller's Bearer token (when given). */
function ask<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, accessToken?: string): Promise<GraphqlBody<T>> {
  const headers = accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` };
  return graphql<T>(t.request, query, { ...(variables === undefined ? {} : { variables }), headers }).then(({ body }) => body);
}

async function signUp(email: string = EMAIL): Promise<AuthPayload> {
  const body = await ask<{ signUp: AuthPayload }>(SIGN_UP, { email, password: PASSWORD, transport: 'BODY' });
  return body.data!.signUp;
}

const TWO_FACTOR = `{ twoFactor { enabled pending recoveryCodesLeft } }`;
const STEP_UP_ARGS = `($code: String, $recoveryCode: String, $password: String)`;
const STEP_UP = `(code: $code, recoveryCode: $recoveryCode, password: $password)`;

describe('the second factor over GraphQL', () => {
  it('enrol, confirm, log in with verifyTwoFactor, renew the recovery codes and turn it off, as over REST', async () => {
    const { accessToken } = await signUp();
    expect((await ask(TWO_FACTOR, undefined, accessToken)).data).toEqual({ twoFactor: { enabled: false, pending: false, recoveryCodesLeft: 0 } });

    const enrolled = await ask<{ enrollTwoFactor: { otpauthUri: string; secret: string } }>(`mutation { enrollTwoFactor { otpauthUri secret } }`, undefined, accessToken);
    const totp = URI.parse(enrolled.data!.enrollTwoFactor.otpauthUri) as TOTP;
    expect(totp.secret.base32).toBe(enrolled.data!.enrollTwoFactor.secret);
    const confirmed = await ask<{ confirmTwoFactor: { recoveryCodes: string[] } }>(
      `mutation ($code: String!) { confirmTwoFactor(code: $code) { recoveryCodes } }`,
      { code: totp.generate({ timestamp: t.clock.now() }) },
      accessToken,
    );
    const { recoveryCodes } = confirmed.data!.confirmTwoFactor;
    expect(recoveryCodes).toHaveLength(10);
    expect((await ask(TWO_FACTOR, undefined, accessToken)).data).toEqual({ twoFactor: { enabled: true, pending: false, recoveryCodesLeft: 10 } });
    t.clock.advance(30_000);

    // The password alone no longer logs in; the challenge and a code do.
    const step = await ask(LOG_IN, { email: EMAIL, password: PASSWORD, transport: 'BODY' });
    expect(codes(step)).toEqual(['two_factor_required']);
    const challenge = step.errors![0]!.extensions.twoFactor!.challenge;
    const verified = await ask<{ verifyTwoFactor: AuthPayload }>(VERIFY_TWO_FACTOR, { challenge, code: totp.generate({ timestamp: t.clock.now() }), transport: 'BODY' });
    const second = verified.data!.verifyTwoFactor.accessToken;

    const renewed = await ask<{ regenerateRecoveryCodes: { recoveryCodes: string[] } }>(
      `mutation ${STEP_UP_ARGS} { regenerateRecoveryCodes${STEP_UP} { recoveryCodes } }`,
      { password: PASSWORD },
      second,
    );
    const fresh = renewed.data!.regenerateRecoveryCodes.recoveryCodes;
    expect(fresh.filter((code) => recoveryCodes.includes(code))).toEqual([]);
    expect(events.filter((e) => e.type === 'recovery_codes_regenerated')).toEqual([expect.objectContaining({ by: 'password' })]);

    const disabled = await ask(`mutation ${STEP_UP_ARGS} { disableTwoFactor${STEP_UP} }`, { recoveryCode: fresh[0] }, second);
    expect(disabled.data).toEqual({ disableTwoFactor: true });
    expect(events.filter((e) => e.type === 'two_factor_disabled')).toEqual([expect.objectContaining({ by: 'recovery_code' })]);
    expect((await ask(LOG_IN, { email: EMAIL, password: PASSWORD, transport: 'BODY' })).errors).toBeUndefined();
  });

  it('refuses what REST refuses: no Bearer token, a wrong first code, no proof or a wrong one, new codes while pending', async () => {
    const { accessToken } = await signUp();
    expect(codes(await ask(TWO_FACTOR))).toEqual(['invalid_token']);
    expect(codes(await ask(`mutation { enrollTwoFactor { secret } }`))).toEqual(['invalid_token']);
    await ask(`mutation { enrollTwoFactor { secret } }`, undefined, accessToken);
    // A pending enrolment protects nothing yet: enrolling again replaces it.
    expect(codes(await ask(`mutation { enrollTwoFactor { secret } }`, undefined, accessToken))).toEqual([]);
    const wrongFirst = await ask(`mutation { confirmTwoFactor(code: "000000") { recoveryCodes } }`, undefined, accessToken);
    expect(codes(wrongFirst)).toEqual(['invalid_request']);
    // Still pending: new codes need an enabled factor.
    expect(codes(await ask(`mutation { regenerateRecoveryCodes(password: "${PASSWORD}") { recoveryCodes } }`, undefined, accessToken))).toEqual(['not_found']);

    const none = await ask(`mutation { disableTwoFactor }`, undefined, accessToken);
    expect(codes(none)).toEqual(['invalid_request']);
    const wrongPassword = await ask(`mutation { disableTwoFactor(password: "not the password at all") }`, undefined, accessToken);
    expect(wrongPassword.errors?.[0]).toMatchObject({ message: 'The password is incorrect.', extensions: { code: 'invalid_request' } });
    expect(events.filter((e) => e.type === 'two_factor_failed')).toEqual([
      expect.objectContaining({ stage: 'confirm' }),
      expect.objectContaining({ stage: 'disable', method: 'password' }),
    ]);
  });
});

describe('email verification, password reset and email change over GraphQL', () => {
  const ME = `{ me { email emailVerified } }`;

  it('verifyEmail takes the mailed token once; me.emailVerified follows; resendVerification mails a new link', async () => {
    const { accessToken } = await signUp();
    const token = tokenIn((await smtp.next(EMAIL, 'Confirm your email address')).text);
    expect((await ask(ME, undefined, accessToken)).data).toEqual({ me: { email: EMAIL, emailVerified: false } });

    expect((await ask(`mutation { resendVerification }`, undefined, accessToken)).data).toEqual({ resendVerification: true });
    const resent = tokenIn((await smtp.next(EMAIL, 'Confirm your email address')).text);
    // The resend killed the first link.
    expect(codes(await ask(`mutation ($token: String!) { verifyEmail(token: $token) }`, { token }))).toEqual(['invalid_link']);
    const verified = await ask(`mutation ($token: String!) { verifyEmail(token: $token) }`, { token: resent });
    expect(verified).toEqual({ data: { verifyEmail: true } });
    expect(codes(await ask(`mutation ($token: String!) { verifyEmail(token: $token) }`, { token: resent }))).toEqual(['invalid_link']);
    expect((await ask(ME, undefined, accessToken)).data).toEqual({ me: { email: EMAIL, emailVerified: true } });
    expect((await ask(`mutation { resendVerification }`, undefined, accessToken)).data).toEqual({ resendVerification: false });
  });

  it('requestPasswordReset answers alike for known and unknown emails; completePasswordReset sets the password and ends every session', async () => {
    const { accessToken } = await signUp();
    const known = await graphql(t.request, `mutation ($email: String!) { requestPasswordReset(email: $email) }`, { variables: { email: EMAIL } });
    const unknown = await graphql(t.request, `mutation ($email: String!) { requestPasswordReset(email: $email) }`, { variables: { email: 'nobody@example.test' } });
    expect(known.body).toEqual({ data: { requestPasswordReset: true } });
    expect(unknown.body).toEqual(known.body);
    expect(unknown.response.status).toBe(known.response.status);
    const token = tokenIn((await smtp.next(EMAIL, 'Reset your password')).text);

    const weak = await ask(`mutation ($token: String!) { completePasswordReset(token: $token, newPassword: "short") }`, { token });
    expect(codes(weak)).toEqual(['invalid_request']);
    const done = await ask(`mutation ($token: String!, $password: String!) { completePasswordReset(token: $token, newPassword: $password) }`, { token, password: NEW_PASSWORD });
    expect(done.data).toEqual({ completePasswordReset: true });
    await smtp.next(EMAIL, 'Your password was changed');
    expect(codes(await ask(ME, undefined, accessToken))).toEqual(['invalid_token']);
    expect(codes(await ask(LOG_IN, { email: EMAIL, password: PASSWORD }))).toEqual(['invalid_credentials']);
    expect((await ask(LOG_IN, { email: EMAIL, password: NEW_PASSWORD })).errors).toBeUndefined();
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('changeEmail needs the password; the new address is unverified until its own link', async () => {
    const { accessToken } = await signUp();
    const CHANGE = `mutation ($email: String!, $password: String!) { changeEmail(newEmail: $email, password: $password) { email emailVerified } }`;
    const wrong = await ask(CHANGE, { email: `gail-${tests}.new@example.test`, password: 'not the password at all' }, accessToken);
    expect(wrong.errors?.[0]).toMatchObject({ message: 'The password is incorrect.', extensions: { code: 'invalid_request' } });
    expect(codes(await ask(CHANGE, { email: `gail-${tests}.new@example.test`, password: PASSWORD }))).toEqual(['invalid_token']);
    const changed = await ask(CHANGE, { email: `Gail-${tests}.New@example.test`, password: PASSWORD }, accessToken);
    expect(changed.data).toEqual({ changeEmail: { email: `gail-${tests}.new@example.test`, emailVerified: false } });
    await smtp.next(EMAIL, 'Your email address was changed');
    tokenIn((await smtp.next(`gail-${tests}.new@example.test`, 'Confirm your email address')).text);
    expect((await t.request('/auth/login', json({ email: `gail-${tests}.new@example.test`, password: PASSWORD }))).status).toBe(200);
  });
});
