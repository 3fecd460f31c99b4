/**
 * Passkeys (WebAuthn credentials) and the one-time challenges of their ceremonies. Same conventions as
 * store/types.ts: instants are `Date`s, "not found" is `null`, every method is atomic on its own.
 */

export interface PasskeyRecord {
  /** The credential id the authenticator chose, base64url; unique across all users. */
  id: string;
  userId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The authenticator's signature counter as last seen (0 for authenticators that do not count). */
  counter: number;
  /** How the browser may reach the authenticator (`internal`, `hybrid`, `usb`, …). */
  transports: string[];
  /** `multiDevice`: a synced passkey; `singleDevice`: bound to one authenticator. */
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  /** A label the user can tell passkeys apart by. */
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface PasskeyChallenge {
  /** Random id the client sends back with the ceremony's answer. */
  id: string;
  /** The base64url challenge the authenticator signs. */
  challenge: string;
  purpose: 'registration' | 'authentication';
  /** The user registering (registration), or the user an email-first sign-in named; null for usernameless. */
  userId: string | null;
  expiresAt: Date;
}

export interface PasskeyStore {
  /** Inserts the passkey; resolves `false`, writing nothing, when a passkey with this credential id exists. */
  addPasskey(passkey: PasskeyRecord): Promise<boolean>;
  findPasskey(id: string): Promise<PasskeyRecord | null>;
  /** The user's passkeys, oldest first (ties by id). */
  listUserPasskeys(userId: string): Promise<PasskeyRecord[]>;
  /**
   * Compare-and-swap of the signature counter: when the passkey's counter still equals `expectedCounter`, sets
   * counter ← newCounter and lastUsedAt ← at and resolves `true`; otherwise changes nothing and resolves `false`.
   * Of concurrent sign-ins presenting the same counter, exactly one wins.
   */
  recordPasskeyUse(id: string, expectedCounter: number, newCounter: number, at: Date): Promise<boolean>;
  /** Deletes the passkey only if it belongs to `userId`; resolves `true` when one was deleted. */
  deletePasskey(userId: string, id: string): Promise<boolean>;
  createPasskeyChallenge(challenge: PasskeyChallenge): Promise<void>;
  /**
   * Takes the challenge out of the store and resolves to it, in one atomic step: of any number of concurrent
   * calls with one id, exactly one gets it. A challenge expired at `now` is removed too and resolves `null`.
   */
  consumePasskeyChallenge(id: string, now: Date): Promise<PasskeyChallenge | null>;
  /** Deletes challenges that expired before `before` (housekeeping); resolves to the count. */
  deleteExpiredPasskeyChallenges(before: Date): Promise<number>;
}
