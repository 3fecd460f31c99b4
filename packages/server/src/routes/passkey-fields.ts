import { noFields } from './admin-fields.js';

/** The passkey API's bodies. Starting a registration takes none: an empty body or `{}`. */
export const passkeyRegistrationStartFields = noFields;
export const passkeyRegistrationFinishFields = {
  challengeId: { type: 'string', required: true, maxLength: 64 },
  /** What `navigator.credentials.create()` returned, as JSON (@simplewebauthn/browser's startRegistration). */
  response: { type: 'object', required: true },
  name: { type: 'string', maxLength: 400 },
} as const;
/** With `email`, only that account's passkeys are offered; without, any passkey of this site (usernameless). */
export const passkeySignInStartFields = { email: { type: 'string', maxLength: 320 } } as const;
export const passkeySignInFinishFields = {
  challengeId: { type: 'string', required: true, maxLength: 64 },
  /** What `navigator.credentials.get()` returned, as JSON (@simplewebauthn/browser's startAuthentication). */
  response: { type: 'object', required: true },
  transport: { type: 'string', oneOf: ['cookie', 'body'] },
} as const;
