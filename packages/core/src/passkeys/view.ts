import type { WirePasskey } from '@tessera/wire';
import type { PasskeyRecord } from '../store/passkey-types.js';

/** A passkey as its user sees it (the wire contract's shape): never the public key or the counter. */
export type PasskeyView = WirePasskey;

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
