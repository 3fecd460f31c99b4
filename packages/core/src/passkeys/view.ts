import type { PasskeyRecord } from '../store/passkey-types.js';

/** A passkey as its user sees it: never the public key or the counter. */
export interface PasskeyView {
  id: string;
  name: string;
  deviceType: PasskeyRecord['deviceType'];
  backedUp: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

export function toPasskeyView(passkey: PasskeyRecord): PasskeyView {
  return {
    id: passkey.id,
    name: passkey.name,
    deviceType: passkey.deviceType,
    backedUp: passkey.backedUp,
    createdAt: passkey.createdAt.toISOString(),
    lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
  };
}
