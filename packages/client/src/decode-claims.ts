import { decodeBase64url } from './base64url.js';

/**
 * Reads the claims of a compact JWT **without verifying anything** — for display and scheduling only (the
 * user's id, when to refresh). Never trust the result for a security decision: anyone can write a token with
 * any claims; only the server (or `@tessera/guard`) checks the signature. Returns null for anything that is
 * not three segments with a base64url JSON object in the middle.
 */
export function decodeClaims(token: string): Record<string, unknown> | null {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined || parts[1] === '') return null;
  const bytes = decodeBase64url(parts[1]);
  if (bytes === null) return null;
  try {
    const value: unknown = JSON.parse(utf8(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The numeric `exp`, `iat` and string `sid` of a token, when present. */
export function tokenTimes(token: string): { exp: number | null; iat: number | null; sid: string | null } {
  const claims = decodeClaims(token);
  const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  return { exp: num(claims?.exp), iat: num(claims?.iat), sid: typeof claims?.sid === 'string' ? claims.sid : null };
}

function utf8(bytes: number[]): string {
  // decodeURIComponent rejects invalid UTF-8 with a URIError, which the caller turns into null.
  return decodeURIComponent(bytes.map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''));
}
