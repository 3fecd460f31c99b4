import { TesseraError, toPublicUser, type AccessTokenClaims, type Auth, type PublicUser, type UserRecord } from '@tessera/core';
import type { Context } from 'hono';
import type { ClientInfoReader } from '../app.js';
import { checkFields } from '../http/json-body.js';
import type { SessionTransport, Transport } from '../http/session-transport.js';
import {
  changeEmailFields,
  credentialFields,
  passwordFields,
  passwordResetCompleteFields,
  passwordResetFields,
  refreshFields,
  signupFields,
  verifyEmailFields,
} from '../routes/auth-fields.js';
import { twoFactorCodeFields, twoFactorStepUpFields, twoFactorVerifyFields } from '../routes/two-factor-fields.js';

/** What every resolver of one request sees. */
export type GraphqlContext = {
  c: Context;
  /** The claims of the request's Bearer token, verified once before execution; null when none was sent. */
  claims: AccessTokenClaims | null;
  /** Whether the request had an Authorization header at all (a logout then prefers it over the cookie). */
  hasAuthorization: boolean;
};

type Args = Record<string, unknown>;
type Resolver = (args: Args, context: GraphqlContext) => Promise<unknown>;
export type RootResolvers = Record<string, Resolver>;

/** GraphQL ids are free text: one far longer than any session id is refused before it reaches a store. */
const sessionIdFields = { id: { type: 'string', required: true, maxLength: 128 } } as const;

/**
 * The root fields. Each checks its arguments with the REST body's rules, calls the same @tessera/core operation
 * and the same session transport as its REST route, and answers the REST shape.
 */
export function createResolvers(deps: { auth: Auth; sessions: SessionTransport; clientInfo: ClientInfoReader }): RootResolvers {
  const { auth, sessions, clientInfo } = deps;

  function claimsOf(context: GraphqlContext): AccessTokenClaims {
    if (context.claims === null) throw new TesseraError('invalid_token', 'This field needs an access token in the Authorization header.');
    return context.claims;
  }

  return {
    async me(_args, context) {
      return withVerification(await auth.currentUser(claimsOf(context)));
    },

    sessions: (_args, context) => auth.listSessions(claimsOf(context)),

    twoFactor: (_args, context) => auth.twoFactor.status(claimsOf(context)),

    async signUp(args, { c }) {
      const input = checkFields(withTransport(args), signupFields);
      const { user, tokens } = await auth.signup({ email: input.email!, password: input.password!, name: input.name }, clientInfo(c));
      return sessions.deliver(c, tokens, transportOf(input.transport), user);
    },

    async logIn(args, { c }) {
      const input = checkFields(withTransport(args), credentialFields);
      const { user, tokens } = await auth.login({ email: input.email!, password: input.password! }, clientInfo(c));
      return sessions.deliver(c, tokens, transportOf(input.transport), user);
    },

    async verifyTwoFactor(args, { c }) {
      const input = checkFields(withTransport(args), twoFactorVerifyFields);
      const { user, tokens } = await auth.twoFactor.verifyLogin(
        { challenge: input.challenge!, code: input.code, recoveryCode: input.recoveryCode },
        clientInfo(c),
      );
      return sessions.deliver(c, tokens, transportOf(input.transport), user);
    },

    async refresh(args, { c }) {
      const input = checkFields(args, refreshFields);
      const { tokens, transport } = await sessions.refresh(c, input.refreshToken);
      return sessions.deliver(c, tokens, transport);
    },

    async logOut(args, context) {
      const { c } = context;
      const input = checkFields(args, refreshFields);
      const credential = sessions.logoutCredential(c, input.refreshToken, context.hasAuthorization);
      if (credential.kind === 'refresh_token') await auth.logoutWithRefreshToken(credential.token, clientInfo(c));
      // An Authorization header without a Bearer token (Basic) is nothing to end, as over REST.
      else if (credential.kind === 'bearer' && context.claims !== null) await auth.logoutWithAccessToken(context.claims, clientInfo(c));
      sessions.clearCookies(c);
      return true;
    },

    async logOutAll(_args, context) {
      await auth.logoutAll(claimsOf(context), clientInfo(context.c));
      sessions.clearCookies(context.c);
      return true;
    },

    async changePassword(args, context) {
      const input = checkFields(args, passwordFields);
      await auth.changePassword(claimsOf(context), input.currentPassword!, input.newPassword!, clientInfo(context.c));
      return true;
    },

    async revokeSession(args, context) {
      const input = checkFields(args, sessionIdFields);
      await auth.deleteSession(claimsOf(context), input.id!, clientInfo(context.c));
      return true;
    },

    async enrollTwoFactor(_args, context) {
      return auth.twoFactor.enroll(claimsOf(context), clientInfo(context.c));
    },

    async confirmTwoFactor(args, context) {
      const input = checkFields(args, twoFactorCodeFields);
      return auth.twoFactor.confirm(claimsOf(context), input.code!, clientInfo(context.c));
    },

    async disableTwoFactor(args, context) {
      const input = checkFields(args, twoFactorStepUpFields);
      await auth.twoFactor.disable(claimsOf(context), input, clientInfo(context.c));
      return true;
    },

    async regenerateRecoveryCodes(args, context) {
      const input = checkFields(args, twoFactorStepUpFields);
      return auth.twoFactor.regenerateRecoveryCodes(claimsOf(context), input, clientInfo(context.c));
    },

    async verifyEmail(args, { c }) {
      const input = checkFields(args, verifyEmailFields);
      await auth.verifyEmail(input.token!, clientInfo(c));
      return true;
    },

    async resendVerification(_args, context) {
      return (await auth.resendVerification(claimsOf(context), clientInfo(context.c))).sent;
    },

    async requestPasswordReset(args, { c }) {
      const input = checkFields(args, passwordResetFields);
      await auth.requestPasswordReset(input.email!, clientInfo(c));
      return true;
    },

    async completePasswordReset(args, { c }) {
      const input = checkFields(args, passwordResetCompleteFields);
      await auth.completePasswordReset(input.token!, input.newPassword!, clientInfo(c));
      return true;
    },

    async changeEmail(args, context) {
      const input = checkFields(args, changeEmailFields);
      return withVerification(await auth.changeEmail(claimsOf(context), { newEmail: input.newEmail!, password: input.password! }, clientInfo(context.c)));
    },
  };

  /**
   * The public user and, while email verification is on, whether its email is verified (as REST's /auth/me). A
   * function, which graphql-js calls only when the query selects the field: the store is asked only then.
   */
  function withVerification(user: UserRecord): PublicUser & { emailVerified: () => Promise<boolean | null> } {
    return { ...toPublicUser(user), emailVerified: async () => (await auth.emailVerified(user)) ?? null };
  }
}

/** The schema's enum (COOKIE, BODY) in the REST body's spelling, so one rule list checks both. */
function withTransport(args: Args): Args {
  return typeof args.transport === 'string' ? { ...args, transport: args.transport.toLowerCase() } : args;
}

function transportOf(value: string | undefined): Transport {
  return value === 'body' ? 'body' : 'cookie';
}
