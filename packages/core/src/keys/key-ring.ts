import type { KeyStore } from '../store/types.js';
import type { SigningAlg } from '../token/types.js';
import type { AsymmetricSigningAlg, SigningKey, VerificationKey } from '../token/types.js';
import { generateSigningKey } from './generate.js';
import { deriveHs256Key } from './hs256.js';
import { buildState, fixedState, storedState, type RingState, type StoredStateOptions } from './ring-state.js';
import { sealSigningKey } from './seal.js';
import type { Jwks } from './types.js';

/** Least time between two store re-reads triggered by unknown kids. */
export const MISS_RELOAD_COOLDOWN_MS = 5_000;

export interface KeyRingOptions {
  alg: SigningAlg;
  /** `deriveKeys(secret).keyEncryption`: opens and seals stored private keys. */
  encryptionKey: Buffer;
  /** `deriveKeys(secret).hs256`: required when alg is HS256. */
  hs256Key?: Buffer;
  /** A key from TESSERA_SIGNING_KEY (`importSigningKey`): signs instead of stored keys; nothing is stored. */
  configuredKey?: SigningKey;
  /** Access token lifetime: a retired key stays usable and published this long after retirement. */
  accessTtlSeconds: number;
  now: () => number;
}

/**
 * The signing key and every key tokens may still be verified with. `resolve` is one Map.get on an immutable
 * map that is swapped whole on reload, rotation or when a retired key ages out.
 */
export class KeyRing {
  #state: RingState;
  readonly #store: KeyStore;
  readonly #options: KeyRingOptions;
  readonly #fixed: boolean;
  #lastMissReload = Number.NEGATIVE_INFINITY;

  private constructor(store: KeyStore, options: KeyRingOptions, state: RingState, fixed: boolean) {
    this.#store = store;
    this.#options = options;
    this.#state = state;
    this.#fixed = fixed;
  }

  static async load(store: KeyStore, options: KeyRingOptions): Promise<KeyRing> {
    if (!Number.isFinite(options.accessTtlSeconds) || options.accessTtlSeconds <= 0) throw new RangeError('accessTtlSeconds must be a positive number');
    const { configuredKey } = options;
    if (configuredKey !== undefined) {
      if (configuredKey.alg !== options.alg) throw new Error(`the configured signing key is ${configuredKey.alg} but the signing algorithm is ${options.alg}`);
      return new KeyRing(store, options, fixedState(configuredKey), true);
    }
    if (options.alg === 'HS256') {
      if (options.hs256Key === undefined) throw new Error('HS256 signing needs the derived hs256 key');
      return new KeyRing(store, options, fixedState(deriveHs256Key(options.hs256Key)), true);
    }
    return new KeyRing(store, options, await storedState(store, storedOptions(options)), false);
  }

  /** Exact kid lookup (no normalisation; `__proto__` and friends are just unknown kids). */
  readonly resolve = (kid: string): VerificationKey | undefined => this.#state.byKid.get(kid) ?? this.#missed();

  /**
   * An unknown kid may be a key another instance just created or rotated to (two instances starting at once on
   * an empty store, `keys rotate` elsewhere): re-read the store in the background, at most once per cooldown,
   * so such tokens verify moments later instead of after the periodic reload. The cooldown bounds what a flood
   * of made-up kids can cost: one key listing per MISS_RELOAD_COOLDOWN_MS.
   */
  #missed(): undefined {
    const now = this.#options.now();
    if (!this.#fixed && now - this.#lastMissReload >= MISS_RELOAD_COOLDOWN_MS) {
      this.#lastMissReload = now;
      this.reload().catch(() => {
        // The periodic reload retries; a verification must not fail louder because the store blinked.
      });
    }
    return undefined;
  }

  signingKey(): SigningKey {
    this.#pruneIfDue();
    return this.#state.signing;
  }

  /** Public keys of the signing key and of retired keys still within the access lifetime. Never HS256. */
  jwks(): Jwks {
    this.#pruneIfDue();
    return this.#state.jwks;
  }

  /** Generates and stores a new key of the configured alg; the previous one keeps verifying for accessTtl. */
  async rotate(): Promise<SigningKey> {
    const key = generateSigningKey(this.#rotatableAlg());
    await this.#store.addSigningKey(sealSigningKey(key, this.#options.encryptionKey, new Date(this.#options.now())));
    await this.reload();
    return key;
  }

  /**
   * Rotates when the signing key has signed for `everyMs` or longer (TESSERA_KEY_ROTATION). Every instance on a
   * store calls this on its own timer; the store's compare-and-swap (`replacing` the key this ring saw signing)
   * lets exactly one of them add a key, and the others just reload. Resolves to the new key when this call
   * rotated, `undefined` otherwise.
   */
  async rotateIfDue(everyMs: number): Promise<SigningKey | undefined> {
    const alg = this.#rotatableAlg();
    await this.reload(); // another instance may have rotated already
    const { signing, signingSince } = this.#state;
    if (this.#options.now() - signingSince < everyMs) return undefined;
    const key = generateSigningKey(alg);
    const added = await this.#store.addSigningKey(sealSigningKey(key, this.#options.encryptionKey, new Date(this.#options.now())), { replacing: signing.kid });
    await this.reload();
    return added ? key : undefined;
  }

  #rotatableAlg(): AsymmetricSigningAlg {
    if (this.#options.configuredKey !== undefined) {
      throw new Error('keys cannot be rotated while a signing key is configured (TESSERA_SIGNING_KEY); replace that key instead');
    }
    if (this.#options.alg === 'HS256') throw new Error('HS256 keys are derived from TESSERA_SECRET; rotate the secret instead');
    return this.#options.alg;
  }

  /**
   * Withdraws a stored key at once, for a key that leaked: tokens it signed stop verifying here now, and on other
   * servers at their next reload. When it is the key that signs, a new key is rotated in first, so there is always
   * one to sign with. Returns `revoked: false` when no stored key has this kid.
   */
  async revoke(kid: string): Promise<{ revoked: boolean; rotatedTo: SigningKey | undefined }> {
    if (this.#options.configuredKey !== undefined) {
      throw new Error('keys cannot be revoked while a signing key is configured (TESSERA_SIGNING_KEY); replace that key instead');
    }
    if (this.#options.alg === 'HS256') throw new Error('HS256 keys are derived from TESSERA_SECRET; rotate the secret instead');
    const stored = (await this.#store.listKeys()).find((key) => key.kid === kid);
    if (stored === undefined) return { revoked: false, rotatedTo: undefined };
    // The store, not this process's snapshot, says whether it signs: another process may have rotated since.
    const rotatedTo = stored.retiredAt === null ? await this.rotate() : undefined;
    const revoked = await this.#store.deleteRetiredKey(kid);
    await this.reload();
    return { revoked, rotatedTo };
  }

  /** Re-reads the store, picking up keys rotated by another process. */
  async reload(): Promise<void> {
    if (this.#fixed) return;
    this.#state = await storedState(this.#store, storedOptions(this.#options));
  }

  /** Drops retired keys whose tokens have all expired; a cheap comparison until one is due. */
  #pruneIfDue(): void {
    const state = this.#state;
    const now = this.#options.now();
    if (now < state.pruneAt) return;
    this.#state = buildState(state.signing, state.signingSince, state.entries, now, this.#options.accessTtlSeconds * 1000);
  }
}

function storedOptions(options: KeyRingOptions): StoredStateOptions {
  if (options.alg === 'HS256') throw new Error('HS256 keys are never stored');
  return { alg: options.alg, encryptionKey: options.encryptionKey, accessTtlMs: options.accessTtlSeconds * 1000, now: options.now };
}
