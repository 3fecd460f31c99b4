/** Where passkeys are valid: the relying party (RP) a browser binds each passkey to, and the pages that may use it. */
export interface PasskeySettings {
  /** The RP ID: a registrable domain (`example.com`, `localhost`); every origin must be on it or a subdomain of it. */
  rpId: string;
  /** The name an authenticator shows when creating a passkey. */
  rpName: string;
  /** Exact origins (`https://app.example.com`) whose pages may run the ceremonies. */
  origins: readonly string[];
  /** How long a ceremony's challenge stays usable (default 300 seconds). */
  challengeTtlSeconds?: number;
}

export const DEFAULT_CHALLENGE_TTL_SECONDS = 300;

/**
 * Checks the settings once, at start: a wrong RP ID or origin would make every ceremony fail in the browser with
 * an opaque SecurityError, so it is refused here with a sentence instead. Resolves to the list of problems.
 */
export function passkeySettingsProblems(settings: PasskeySettings): string[] {
  const problems: string[] = [];
  const rpId = settings.rpId;
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(rpId)) {
    problems.push(`the RP ID "${rpId}" is not a lower-case domain name (no scheme, port or path), such as example.com or localhost`);
  } else if (/^[0-9.]+$/.test(rpId)) {
    problems.push(`the RP ID "${rpId}" is an IP address, which browsers refuse; use a domain name such as localhost`);
  }
  if (settings.origins.length === 0) problems.push('at least one origin is needed');
  for (const origin of settings.origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      problems.push(`"${origin}" is not an origin such as https://example.com`);
      continue;
    }
    if (url.origin !== origin) {
      problems.push(`"${origin}" is not an origin (scheme, host and port only, no path or trailing slash)`);
      continue;
    }
    // Browsers allow WebAuthn only in secure contexts: https, or http on localhost.
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && url.hostname === 'localhost')) {
      problems.push(`"${origin}" is neither https nor http://localhost, so browsers refuse passkeys there`);
    }
    if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`)) {
      problems.push(`"${origin}" is not on the RP ID "${rpId}" or one of its subdomains`);
    }
  }
  const ttl = settings.challengeTtlSeconds;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 10 || ttl > 900)) problems.push('the challenge lifetime must be 10 to 900 seconds');
  return problems;
}
