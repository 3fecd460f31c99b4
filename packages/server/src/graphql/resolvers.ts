import { TesseraError, toPublicUser, type AccessTokenClaims, type Auth } from '@tessera/core';
import type { Context } from 'hono';
import type { ClientInfoReader } from '../app.js';
import { checkFields } from '../http/json-body.js';
import type { SessionTransport, Transport } from '../http/session-transport.js';
import { credentialFields, passwordFields, refreshFields, signupFields } from '../routes/auth-fields.js';
import { twoFactorVerifyFields } from '../routes/two-factor-fields.js';

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
      return toPublicUser(await auth.currentUser(claimsOf(context)));
    },

    sessions: (_args, context) => auth.listSessions(claimsOf(context)),

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
  };
}

/** The schema's enum (COOKIE, BODY) in the REST body's spelling, so one rule list checks both. */
function withTransport(args: Args): Args {
  return typeof args.transport === 'string' ? { ...args, transport: args.transport.toLowerCase() } : args;
}

function transportOf(value: string | undefined): Transport {
  return value === 'body' ? 'body' : 'cookie';
}
