// @tessera/core/passkeys — WebAuthn registration and sign-in (over @simplewebauthn/server); a passkey sign-in
// opens an ordinary session.
export { createPasskeys, type Passkeys } from './passkeys/create-passkeys.js';
export type { PasskeyCeremony, FinishRegistrationInput } from './passkeys/register.js';
export type { FinishSignInInput } from './passkeys/sign-in.js';
export { passkeySettingsProblems, DEFAULT_CHALLENGE_TTL_SECONDS, type PasskeySettings } from './passkeys/settings.js';
export type { PasskeyView } from './passkeys/view.js';
