import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { TesseraError } from '../errors.js';

const CREDENTIAL_ID = /^[A-Za-z0-9_-]{1,512}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(): TesseraError {
  return new TesseraError('invalid_request', 'The passkey answer is not what the browser\'s WebAuthn API returns.');
}

function checkCommon(value: unknown, fields: readonly string[]): Record<string, unknown> {
  if (!isRecord(value) || typeof value.id !== 'string' || !CREDENTIAL_ID.test(value.id) || value.rawId !== value.id) throw malformed();
  if (value.type !== 'public-key' || !isRecord(value.response) || !isRecord(value.clientExtensionResults ?? {})) throw malformed();
  for (const field of fields) if (typeof value.response[field] !== 'string') throw malformed();
  return value;
}

/** The JSON of `navigator.credentials.create()` (as @simplewebauthn/browser's startRegistration returns it). */
export function readRegistrationResponse(value: unknown): RegistrationResponseJSON {
  const checked = checkCommon(value, ['clientDataJSON', 'attestationObject']);
  return { clientExtensionResults: {}, ...checked } as unknown as RegistrationResponseJSON;
}

/** The JSON of `navigator.credentials.get()` (as @simplewebauthn/browser's startAuthentication returns it). */
export function readAuthenticationResponse(value: unknown): AuthenticationResponseJSON {
  const checked = checkCommon(value, ['clientDataJSON', 'authenticatorData', 'signature']);
  return { clientExtensionResults: {}, ...checked } as unknown as AuthenticationResponseJSON;
}
