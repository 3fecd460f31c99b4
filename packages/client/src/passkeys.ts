import type { WirePasskey } from '@tessera/wire';
import { AuthError, isRecord } from './auth-error.js';
import type { AuthUser } from './types.js';

/** One of the user's passkeys, as `GET /auth/passkeys` lists it. */
export type AuthPasskey = WirePasskey;

/**
 * The browser half of a ceremony: gets the server's options (JSON) and resolves to the credential's JSON. With
 * @simplewebauthn/browser: `(optionsJSON) => startRegistration({ optionsJSON })` and
 * `(optionsJSON) => startAuthentication({ optionsJSON })`. The client itself carries no WebAuthn code.
 */
export type PasskeyCeremony = (optionsJSON: never) => Promise<unknown>;

export interface PasskeyCalls {
  /** Adds a passkey to the signed-in account: options from the server, `create` in the browser, then verified. */
  register(input: { create: PasskeyCeremony; name?: string }): Promise<AuthPasskey>;
  /**
   * Signs in with a passkey and starts a session like `login`. Without `email` any passkey the device holds for
   * the site is offered (usernameless); with it, only that account's.
   */
  signIn(input: { get: PasskeyCeremony; email?: string }): Promise<AuthUser>;
  list(): Promise<AuthPasskey[]>;
  remove(id: string): Promise<void>;
}

interface Wiring {
  /** A Bearer call with refresh-and-retry-once. */
  authed(path: string, init?: RequestInit): Promise<unknown>;
  /** An unauthenticated JSON POST; resolves to the parsed body. */
  post(path: string, json: unknown): Promise<unknown>;
  /** Posts and takes the answer as a new session. */
  establish(path: string, fields: Record<string, unknown>): Promise<AuthUser>;
}

function readCeremony(body: unknown): { challengeId: string; options: never } {
  if (!isRecord(body) || typeof body.challengeId !== 'string' || !isRecord(body.options)) {
    throw new AuthError('invalid_response', 200, 'The server answered without passkey options.');
  }
  return { challengeId: body.challengeId, options: body.options as never };
}

export function createPasskeyCalls(wiring: Wiring): PasskeyCalls {
  return {
    async register({ create, name }) {
      const { challengeId, options } = readCeremony(await wiring.authed('/auth/passkeys/register/options', { method: 'POST', body: '{}' }));
      const response = await create(options);
      const body = await wiring.authed('/auth/passkeys/register', { method: 'POST', body: JSON.stringify({ challengeId, response, ...(name === undefined ? {} : { name }) }) });
      if (!isRecord(body) || !isRecord(body.passkey)) throw new AuthError('invalid_response', 201, 'The server answered without the passkey.');
      return body.passkey as unknown as AuthPasskey;
    },

    async signIn({ get, email }) {
      const { challengeId, options } = readCeremony(await wiring.post('/auth/passkeys/login/options', email === undefined ? {} : { email }));
      const response = await get(options);
      return wiring.establish('/auth/passkeys/login', { challengeId, response });
    },

    async list() {
      const body = await wiring.authed('/auth/passkeys');
      if (!isRecord(body) || !Array.isArray(body.passkeys)) throw new AuthError('invalid_response', 200, 'The server answered without a passkey list.');
      return body.passkeys as AuthPasskey[];
    },

    async remove(id) {
      await wiring.authed(`/auth/passkeys/${encodeURIComponent(id)}`, { method: 'DELETE' });
    },
  };
}
