import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { deriveKeys } from '../secrets.js';
import type { KeyStore, StoredKey } from '../store/types.js';
import type { SigningAlg } from '../token/types.js';
import { generateSigningKey } from './generate.js';
import { KeyRing, MISS_RELOAD_COOLDOWN_MS, type KeyRingOptions } from './key-ring.js';
import { WRONG_SECRET_MESSAGE } from './open.js';

/** The smallest KeyStore that keeps the documented contract (addSigningKey retires the others atomically). */
class MemoryKeyStore implements KeyStore {
  rows: StoredKey[] = [];
  adds = 0;
  async listKeys(): Promise<StoredKey[]> {
    return this.rows.map((row) => ({ ...row }));
  }
  async addSigningKey(key: StoredKey, options?: { replacing?: string }): Promise<boolean> {
    if (options?.replacing !== undefined && this.rows.find((row) => row.retiredAt === null)?.kid !== options.replacing) return false;
    this.adds++;
    this.rows = this.rows.map((row) => (row.retiredAt === null ? { ...row, retiredAt: key.createdAt } : row));
    this.rows.push({ ...key });
    return true;
  }
  async deleteRetiredKey(kid: string): Promise<boolean> {
    const kept = this.rows.filter((row) => row.kid !== kid || row.retiredAt === null);
    const deleted = kept.length < this.rows.length;
    this.rows = kept;
    return deleted;
  }
  async deleteRetiredKeys(before: Date): Promise<number> {
    const kept = this.rows.filter((row) => row.retiredAt === null || row.retiredAt >= before);
    const deleted = this.rows.length - kept.length;
    this.rows = kept;
    return deleted;
  }
}

const TTL = 900;
const derived = deriveKeys(randomBytes(32));

function setup(alg: SigningAlg = 'ES256', extra: Partial<KeyRingOptions> = {}) {
  const clock = { ms: Date.UTC(2025, 0, 1) };
  const store = new MemoryKeyStore();
  const options: KeyRingOptions = {
    alg,
    encryptionKey: derived.keyEncryption,
    hs256Key: derived.hs256,
    accessTtlSeconds: TTL,
    now: () => clock.ms,
    ...extra,
  };
  return { clock, store, options, load: () => KeyRing.load(store, options) };
}

const kids = (ring: KeyRing) => ring.jwks().keys.map((key) => key.kid);

describe('KeyRing', () => {
  it('an unknown kid re-reads the store in the background, at most once per cooldown', async () => {
    const { clock, store, load } = setup('ES256');
    const here = await load();
    const elsewhere = await load(); // another instance on the same store
    const listKeys = vi.spyOn(store, 'listKeys');
    const fresh = await elsewhere.rotate();
    listKeys.mockClear();
    expect(here.resolve(fresh.kid)).toBeUndefined();
    await vi.waitFor(() => expect(here.resolve(fresh.kid)?.alg).toBe('ES256'));
    expect(listKeys).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 50; i += 1) expect(here.resolve(`made-up-${i}`)).toBeUndefined();
    await Promise.resolve();
    expect(listKeys).toHaveBeenCalledTimes(1);
    clock.ms += MISS_RELOAD_COOLDOWN_MS;
    here.resolve('made-up-again');
    expect(listKeys).toHaveBeenCalledTimes(2);
  });

  it.each(['ES256', 'EdDSA', 'RS256'] as const)('%s: the first load generates and stores one key, the second reuses it', async (alg) => {
    const { store, load } = setup(alg);
    const first = await load();
    expect(store.rows).toHaveLength(1);
    expect(store.rows[0]).toMatchObject({ kid: first.signingKey().kid, alg, retiredAt: null });
    const second = await load();
    expect(store.adds).toBe(1);
    expect(second.signingKey().kid).toBe(first.signingKey().kid);
    expect(second.signingKey().privateKey.equals(first.signingKey().privateKey)).toBe(true);
    expect(second.resolve(first.signingKey().kid)?.alg).toBe(alg);
    expect(kids(second)).toEqual([first.signingKey().kid]);
  });

  it('rotate keeps the old key verifiable and published until accessTtl after its retirement', async () => {
    const { clock, store, load } = setup('ES256');
    const ring = await load();
    const old = ring.signingKey();
    clock.ms += 60_000;
    const fresh = await ring.rotate();
    expect(ring.signingKey().kid).toBe(fresh.kid);
    expect(store.rows.find((row) => row.kid === old.kid)?.retiredAt?.getTime()).toBe(clock.ms);
    expect(new Set(kids(ring))).toEqual(new Set([old.kid, fresh.kid]));
    expect(ring.resolve(old.kid)).toBeDefined();

    clock.ms += TTL * 1000 - 1;
    expect(kids(ring)).toContain(old.kid);
    expect(ring.resolve(old.kid)).toBeDefined();

    clock.ms += 1; // now - accessTtl === retiredAt: aged out
    expect(kids(ring)).toEqual([fresh.kid]);
    expect(ring.resolve(old.kid)).toBeUndefined();
    expect(ring.resolve(fresh.kid)).toBeDefined();

    // A process started now does not load it either.
    const later = await load();
    expect(kids(later)).toEqual([fresh.kid]);
    expect(later.resolve(old.kid)).toBeUndefined();
  });

  it('reload picks up a key rotated by another process', async () => {
    const { clock, load } = setup('EdDSA');
    const a = await load();
    const b = await load();
    clock.ms += 1000;
    const rotated = await b.rotate();
    expect(a.resolve(rotated.kid)).toBeUndefined();
    await a.reload();
    expect(a.signingKey().kid).toBe(rotated.kid);
    expect(a.resolve(rotated.kid)).toBeDefined();
  });

  it('revoke withdraws a retired key at once, here and, after a reload, in other processes', async () => {
    const { clock, store, load } = setup('ES256');
    const ring = await load();
    const other = await load();
    const old = ring.signingKey();
    clock.ms += 1000;
    const fresh = await ring.rotate();
    await other.reload();
    expect(other.resolve(old.kid)).toBeDefined();
    expect(await ring.revoke(old.kid)).toEqual({ revoked: true, rotatedTo: undefined });
    expect(ring.resolve(old.kid)).toBeUndefined();
    expect(kids(ring)).toEqual([fresh.kid]);
    expect(ring.signingKey().kid).toBe(fresh.kid);
    expect(store.rows.map((row) => row.kid)).toEqual([fresh.kid]);
    await other.reload();
    expect(other.resolve(old.kid)).toBeUndefined();
    expect(await ring.revoke(old.kid)).toEqual({ revoked: false, rotatedTo: undefined });
    expect(await ring.revoke('no-such-kid')).toEqual({ revoked: false, rotatedTo: undefined });
  });

  it('revoking the signing key rotates a new one in first, so something always signs', async () => {
    const { clock, store, load } = setup('EdDSA');
    const ring = await load();
    const leaked = ring.signingKey();
    clock.ms += 1000;
    const { revoked, rotatedTo } = await ring.revoke(leaked.kid);
    expect(revoked).toBe(true);
    expect(rotatedTo?.kid).not.toBe(leaked.kid);
    expect(ring.signingKey().kid).toBe(rotatedTo?.kid);
    expect(ring.resolve(leaked.kid)).toBeUndefined();
    expect(kids(ring)).toEqual([rotatedTo?.kid]);
    expect(store.rows.filter((row) => row.retiredAt === null).map((row) => row.kid)).toEqual([rotatedTo?.kid]);
  });

  it('a changed alg generates a key of the new alg and keeps the old one for verification', async () => {
    const { store, options } = setup('ES256');
    const es = await KeyRing.load(store, options);
    const ed = await KeyRing.load(store, { ...options, alg: 'EdDSA' });
    expect(ed.signingKey().alg).toBe('EdDSA');
    expect(ed.resolve(es.signingKey().kid)?.alg).toBe('ES256');
  });

  it('HS256: signs with the derived key, stores nothing, never appears in the JWKS, refuses rotate', async () => {
    const { store, load } = setup('HS256');
    const ring = await load();
    expect(ring.signingKey().alg).toBe('HS256');
    expect(ring.signingKey().kid).toMatch(/^hs256-/);
    expect(ring.resolve(ring.signingKey().kid)?.key.type).toBe('secret');
    expect(ring.jwks().keys).toEqual([]);
    expect(store.rows).toEqual([]);
    await expect(ring.rotate()).rejects.toThrow(/rotate the secret/);
    await expect(ring.revoke(ring.signingKey().kid)).rejects.toThrow(/rotate the secret/);
  });

  it('a configured key signs, is published, is not stored, and refuses rotate', async () => {
    const configuredKey = generateSigningKey('RS256');
    const { store, load } = setup('RS256', { configuredKey });
    const ring = await load();
    expect(ring.signingKey()).toBe(configuredKey);
    expect(kids(ring)).toEqual([configuredKey.kid]);
    expect(store.rows).toEqual([]);
    await expect(ring.rotate()).rejects.toThrow(/TESSERA_SIGNING_KEY/);
    await expect(ring.revoke(configuredKey.kid)).rejects.toThrow(/TESSERA_SIGNING_KEY/);
    await expect(KeyRing.load(store, { ...setup('ES256').options, configuredKey })).rejects.toThrow(/is RS256 but the signing algorithm is ES256/);
  });

  it('the JWKS carries public members only', async () => {
    for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
      const { load } = setup(alg);
      const ring = await load();
      await ring.rotate();
      for (const jwk of ring.jwks().keys) {
        for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(jwk).not.toHaveProperty(member);
        expect(jwk).toMatchObject({ alg, use: 'sig' });
      }
    }
  });

  it('resolve is an exact lookup, safe for __proto__ and friends, and works detached', async () => {
    const { load } = setup('ES256');
    const ring = await load();
    const { resolve } = ring;
    const kid = ring.signingKey().kid;
    expect(resolve(kid)?.kid).toBe(kid);
    for (const probe of ['__proto__', 'constructor', 'toString', kid.toLowerCase(), ` ${kid}`, `${kid}\0`, '']) {
      expect(resolve(probe)).toBeUndefined();
    }
  });

  it('opening stored keys with another secret fails with a clear sentence', async () => {
    const { store, options } = setup('ES256');
    await KeyRing.load(store, options);
    const other = deriveKeys(randomBytes(32)).keyEncryption;
    await expect(KeyRing.load(store, { ...options, encryptionKey: other })).rejects.toThrow(WRONG_SECRET_MESSAGE);
  });
});
