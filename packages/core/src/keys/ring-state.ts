import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { KeyStore, StoredKey } from '../store/types.js';
import type { SigningAlg } from '../token/types.js';
import type { SigningKey, VerificationKey } from '../token/types.js';
import { generateSigningKey } from './generate.js';
import { keyMismatch } from './key-mismatch.js';
import { openSigningKey } from './open.js';
import { publicJwk } from './public-jwk.js';
import { sealSigningKey } from './seal.js';
import { jwkThumbprint } from './thumbprint.js';
import type { Jwks, PublicJwk } from './types.js';

/** One key the ring knows: how to verify with it, what to publish, and when it stopped signing (ms). */
export interface RingEntry {
  key: VerificationKey;
  jwk: PublicJwk | undefined;
  retiredAt: number | null;
}

/** An immutable snapshot; the ring swaps whole snapshots so a lookup never sees a half-built map. */
export interface RingState {
  signing: SigningKey;
  /** When the signing key started signing (its createdAt, ms); 0 for a fixed key, which never rotates. */
  signingSince: number;
  entries: readonly RingEntry[];
  byKid: ReadonlyMap<string, VerificationKey>;
  jwks: Jwks;
  /** When the next retired key ages out (ms); Infinity when none will. */
  pruneAt: number;
}

/** A ring with one fixed key (configured or HS256): nothing is read from or written to the store. */
export function fixedState(key: SigningKey): RingState {
  const entry: RingEntry = {
    key: Object.freeze({ kid: key.kid, alg: key.alg, key: key.publicKey }),
    jwk: key.alg === 'HS256' ? undefined : Object.freeze(publicJwk(key)),
    retiredAt: null,
  };
  return buildState(key, 0, [entry], 0, 0);
}

export interface StoredStateOptions {
  alg: Exclude<SigningAlg, 'HS256'>;
  encryptionKey: Buffer;
  accessTtlMs: number;
  now: () => number;
}

/**
 * Reads the store; when no unretired key of `alg` exists, generates one and stores it (the store retires the
 * others in the same transaction), then reads again so that two processes racing here both end up signing with
 * whichever key the store kept last.
 */
export async function storedState(store: KeyStore, options: StoredStateOptions): Promise<RingState> {
  let stored = await store.listKeys();
  let current = newestUnretired(stored, options.alg);
  if (current === undefined) {
    await store.addSigningKey(sealSigningKey(generateSigningKey(options.alg), options.encryptionKey, new Date(options.now())));
    stored = await store.listKeys();
    current = newestUnretired(stored, options.alg);
    if (current === undefined) throw new Error('the key store did not keep the signing key just added');
  }
  const signing = openSigningKey(current, options.encryptionKey);
  const entries = stored.filter((row) => row.alg !== 'HS256' && row.publicJwk !== null).map(toEntry);
  return buildState(signing, current.createdAt.getTime(), entries, options.now(), options.accessTtlMs);
}

/**
 * Keeps the keys still usable at `now`: unretired ones, and retired ones until `retiredAt + accessTtl` (the
 * last token they signed has expired by then). Keys retired at or before `now - accessTtl` are dropped from
 * both the lookup map and the JWKS.
 */
export function buildState(signing: SigningKey, signingSince: number, entries: readonly RingEntry[], now: number, accessTtlMs: number): RingState {
  const live = entries.filter((entry) => entry.retiredAt === null || entry.retiredAt > now - accessTtlMs);
  const byKid = new Map<string, VerificationKey>();
  for (const entry of live) byKid.set(entry.key.kid, entry.key);
  if (!byKid.has(signing.kid)) byKid.set(signing.kid, Object.freeze({ kid: signing.kid, alg: signing.alg, key: signing.publicKey }));
  const keys = live.flatMap((entry) => (entry.jwk === undefined ? [] : [entry.jwk]));
  const retired = live.flatMap((entry) => (entry.retiredAt === null ? [] : [entry.retiredAt + accessTtlMs]));
  return {
    signing,
    signingSince,
    entries: live,
    byKid,
    jwks: Object.freeze({ keys: Object.freeze(keys) }),
    pruneAt: retired.length === 0 ? Infinity : Math.min(...retired),
  };
}

function newestUnretired(rows: readonly StoredKey[], alg: SigningAlg): StoredKey | undefined {
  let newest: StoredKey | undefined;
  for (const row of rows) {
    if (row.alg !== alg || row.retiredAt !== null) continue;
    if (newest === undefined || row.createdAt.getTime() > newest.createdAt.getTime()) newest = row;
  }
  return newest;
}

/** Verification needs only the public half, so retired keys are never decrypted. */
function toEntry(row: StoredKey): RingEntry {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: JSON.parse(row.publicJwk ?? 'null') as JsonWebKey, format: 'jwk' });
  } catch {
    throw new Error(`the stored key ${row.kid} has an unreadable public JWK`);
  }
  const problem = keyMismatch(publicKey, row.alg);
  if (problem !== undefined) throw new Error(`the stored key ${row.kid} does not fit ${row.alg}: ${problem}`);
  // A row whose kid is not its key's thumbprint was tampered with; trusting it would let one kid name two keys.
  if (jwkThumbprint(publicKey) !== row.kid) throw new Error(`the stored key ${row.kid} does not match its kid`);
  const key: VerificationKey = Object.freeze({ kid: row.kid, alg: row.alg, key: publicKey });
  return { key, jwk: Object.freeze(publicJwk({ kid: row.kid, alg: row.alg, publicKey })), retiredAt: row.retiredAt?.getTime() ?? null };
}
