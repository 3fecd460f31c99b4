import { passkeySettingsProblems, type PasskeySettings } from '@tessera/core/passkeys';

/**
 * TESSERA_WEBAUTHN_RP_ID, TESSERA_WEBAUTHN_ORIGINS and TESSERA_WEBAUTHN_RP_NAME as given (null: derive). Derived,
 * the RP ID is the issuer's host name and the one origin is the issuer's, so `npm start` works on
 * http://localhost:3000 with nothing set.
 */
export interface WebAuthnConfig {
  rpId: string | null;
  origins: string[] | null;
  rpName: string;
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function readWebAuthnConfig(env: Env): WebAuthnConfig {
  const origins = read(env, 'TESSERA_WEBAUTHN_ORIGINS');
  return {
    rpId: read(env, 'TESSERA_WEBAUTHN_RP_ID') ?? null,
    origins: origins === undefined ? null : origins.split(',').map((o) => o.trim()).filter((o) => o !== ''),
    rpName: read(env, 'TESSERA_WEBAUTHN_RP_NAME') ?? 'Tessera',
  };
}

function settings(config: WebAuthnConfig, issuer: string): PasskeySettings {
  const url = new URL(issuer);
  return { rpId: config.rpId ?? url.hostname, rpName: config.rpName, origins: config.origins ?? [url.origin] };
}

/**
 * The settings passkeys run with, for the issuer the server really has (it follows the bound port when PORT=0).
 * Null when nothing is set and the issuer cannot carry passkeys (an IP address, plain http on another host than
 * localhost): passkeys are then off rather than the whole server refusing to start.
 */
export function passkeySettingsFor(config: WebAuthnConfig, issuer: string): PasskeySettings | null {
  const derived = settings(config, issuer);
  return passkeySettingsProblems(derived).length === 0 ? derived : null;
}

/**
 * With TESSERA_WEBAUTHN_RP_ID or TESSERA_WEBAUTHN_ORIGINS set, the first problem as one sentence naming the
 * variable to fix (a derived value that is wrong points at the variable that overrides it); null otherwise.
 */
export function webAuthnConfigProblem(config: WebAuthnConfig, issuer: string): string | null {
  if (config.rpId === null && config.origins === null) return null;
  const problems = passkeySettingsProblems(settings(config, issuer));
  if (problems.length === 0) return null;
  const first = problems[0]!;
  const variable = first.startsWith('the RP ID')
    ? config.rpId === null ? 'TESSERA_WEBAUTHN_RP_ID (derived from TESSERA_ISSUER)' : 'TESSERA_WEBAUTHN_RP_ID'
    : config.origins === null ? 'TESSERA_WEBAUTHN_ORIGINS (derived from TESSERA_ISSUER)' : 'TESSERA_WEBAUTHN_ORIGINS';
  return `${variable}: ${first}; set TESSERA_WEBAUTHN_RP_ID to your site's domain and TESSERA_WEBAUTHN_ORIGINS to the origins of its pages.`;
}
