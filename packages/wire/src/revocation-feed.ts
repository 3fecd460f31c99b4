/**
 * The messages of the Redis revocation feed (docs/revocation-feed.md), parsed in one place for the publishing
 * side (@tessera/store-redis) and every consumer (servers, @tessera/guard). A message that is not exactly this
 * shape — an unknown version, a missing or non-string session id — is ignored: anyone able to publish on the
 * channel could otherwise feed a consumer garbage.
 */
export interface RevocationMessage {
  v: 1;
  sessionIds: string[];
  /** Epoch milliseconds. */
  revokedAt: number;
}

export interface KeyRotationMessage {
  v: 1;
  event: 'rotated';
  kid: string;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function parseRevocationMessage(text: string): RevocationMessage | null {
  const m = parseObject(text);
  if (!m || m.v !== 1 || !Array.isArray(m.sessionIds) || typeof m.revokedAt !== 'number' || !Number.isFinite(m.revokedAt)) return null;
  const ids = m.sessionIds as unknown[];
  if (!ids.every((id): id is string => typeof id === 'string' && id.length > 0)) return null;
  return { v: 1, sessionIds: ids, revokedAt: m.revokedAt };
}

export function parseKeyRotationMessage(text: string): KeyRotationMessage | null {
  const m = parseObject(text);
  if (!m || m.v !== 1 || m.event !== 'rotated' || typeof m.kid !== 'string') return null;
  return { v: 1, event: 'rotated', kid: m.kid };
}
