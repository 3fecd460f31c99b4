import {
  passkeyRegistrationFinishFields,
  passkeyRegistrationStartFields,
  passkeySignInFinishFields,
  passkeySignInStartFields,
} from '../routes/passkey-fields.js';
import { fieldsToJsonSchema, type JsonSchema } from './field-schema.js';
import { BEARER, BEARER_REFUSED, PROOF_REFUSED } from './security.js';
import type { RouteDoc } from './routes.js';

const dateTime: JsonSchema = { type: 'string', format: 'date-time' };

const passkey: JsonSchema = {
  type: 'object',
  description: 'A passkey as its user sees it: never the public key or the counter.',
  required: ['id', 'name', 'deviceType', 'backedUp', 'createdAt', 'lastUsedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', description: 'The credential id (base64url).' },
    name: { type: 'string' },
    deviceType: { enum: ['singleDevice', 'multiDevice'], description: '`multiDevice`: a synced passkey.' },
    backedUp: { type: 'boolean' },
    createdAt: dateTime,
    lastUsedAt: { anyOf: [dateTime, { type: 'null' }] },
  },
};

const ceremony = (what: string): JsonSchema => ({
  type: 'object',
  required: ['challengeId', 'options'],
  additionalProperties: false,
  properties: {
    challengeId: { type: 'string', description: 'Send it back with the answer; the challenge is single use and expires in five minutes.' },
    options: { type: 'object', required: ['challenge'], description: `${what} (pass to @simplewebauthn/browser).` },
  },
});

/** The passkey (WebAuthn) routes; served when passkeys are configured (see README "Passkeys"). */
export const PASSKEY_ROUTES: readonly RouteDoc[] = [
  {
    method: 'post', path: '/auth/passkeys/register/options', operationId: 'passkeyRegistrationOptions', tag: 'auth',
    summary: 'Start adding a passkey to the signed-in account',
    security: BEARER, challenges: true,
    body: fieldsToJsonSchema(passkeyRegistrationStartFields),
    success: { status: 200, description: 'The options for `navigator.credentials.create()`.', schema: ceremony('PublicKeyCredentialCreationOptionsJSON') },
    errors: ['invalid_request', ...BEARER_REFUSED, 'rate_limited', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/passkeys/register', operationId: 'passkeyRegister', tag: 'auth',
    summary: 'Finish adding a passkey',
    description: 'Verifies the authenticator\'s answer (challenge, origin, RP ID, user verification) and stores the passkey.',
    security: BEARER, challenges: true,
    body: fieldsToJsonSchema(passkeyRegistrationFinishFields),
    success: { status: 201, description: 'The new passkey.', schema: { type: 'object', required: ['passkey'], additionalProperties: false, properties: { passkey } } },
    errors: ['invalid_request', ...BEARER_REFUSED, 'passkey_rejected', 'rate_limited', 'unavailable'],
  },
  {
    method: 'get', path: '/auth/passkeys', operationId: 'listPasskeys', tag: 'auth',
    summary: "The user's passkeys, oldest first",
    security: BEARER, challenges: true,
    success: { status: 200, description: 'The passkeys.', schema: { type: 'object', required: ['passkeys'], additionalProperties: false, properties: { passkeys: { type: 'array', items: passkey } } } },
    errors: [...BEARER_REFUSED, 'unavailable'],
  },
  {
    method: 'delete', path: '/auth/passkeys/{id}', operationId: 'removePasskey', tag: 'auth',
    summary: 'Remove one of the user\'s passkeys',
    description: 'Somebody else\'s passkey answers exactly like a missing one: 404 not_found.',
    security: BEARER, challenges: true,
    success: { status: 204, description: 'The passkey is removed; it can no longer sign in.' },
    errors: [...BEARER_REFUSED, 'not_found', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/passkeys/login/options', operationId: 'passkeySignInOptions', tag: 'auth',
    summary: 'Start signing in with a passkey',
    description: 'Without `email`, the browser offers any passkey it holds for this site (usernameless); with it, only that account\'s (an unknown email gets the same answer with none).',
    body: fieldsToJsonSchema(passkeySignInStartFields),
    success: { status: 200, description: 'The options for `navigator.credentials.get()`.', schema: ceremony('PublicKeyCredentialRequestOptionsJSON') },
    errors: ['invalid_request', 'rate_limited', 'unavailable'],
  },
  {
    method: 'post', path: '/auth/passkeys/login', operationId: 'passkeySignIn', tag: 'auth',
    summary: 'Finish signing in with a passkey: a new session',
    description: 'The same answer and `transport` rule as `POST /auth/login`. Every failed check is 400 passkey_rejected; a disabled account is 403 account_disabled.',
    body: fieldsToJsonSchema(passkeySignInFinishFields),
    success: { status: 200, description: 'A new session.', schema: { $ref: '#/components/schemas/SessionTokens' }, setsCookies: true },
    errors: ['invalid_request', 'passkey_rejected', ...PROOF_REFUSED, 'account_disabled', 'rate_limited', 'unavailable'],
  },
];
