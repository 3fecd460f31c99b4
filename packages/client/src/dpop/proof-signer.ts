import { encodeBase64url } from '../base64url.js';
import type { DpopKeyStore } from './key-store.js';

/** A key pair ready to sign proofs: its RFC 7638 thumbprint and the proof header that carries its public half. */
export interface ProofKey {
  /** SHA-256 JWK thumbprint, base64url: what the server binds the session to (`cnf.jkt`). */
  readonly jkt: string;
  readonly keys: CryptoKeyPair;
  /** The encoded JOSE header `{typ, alg, jwk}`; the same for every proof of this key. */
  readonly header: string;
}

/** The request a proof is for. `url` may be relative to the page; query and fragment are left out (RFC 9449 §4.2). */
export interface ProofRequest {
  method: string;
  url: string;
  /** With `Authorization: DPoP`: the proof carries its hash (`ath`), tying the proof to this one token. */
  accessToken?: string;
}

export interface ProofSigner {
  /** A new key for a session about to start; saved only by `keep`, once the server bound a session to it. */
  create(): Promise<ProofKey | null>;
  /**
   * Saves the key a new session was bound to: later proofs, in every tab and after reloads, use it. Rejects when
   * the store refused it; the key is then held in memory only, for as long as this client lives.
   */
  keep(key: ProofKey): Promise<void>;
  /**
   * The saved key. With `jkt` (the session's thumbprint): the key in memory when it is that one, else the store
   * is read again — another tab may have started a session with a new key. Null when there is none.
   */
  keyFor(jkt?: string | null): Promise<ProofKey | null>;
  sign(key: ProofKey, request: ProofRequest): Promise<string>;
  /**
   * Notes the server's `DPoP-Nonce` (RFC 9449 §8) for later proofs to that origin. True when it changed, so that
   * a proof refused for its nonce is worth signing again.
   */
  observe(url: string, headers: { get(name: string): string | null }): boolean;
  /** Deletes the saved key (a logout the user asked for): the next session gets a key of its own. */
  forget(): Promise<void>;
}

const ALGORITHM: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNATURE: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/**
 * Signs DPoP proofs (RFC 9449 §4) with WebCrypto: ES256 with a P-256 key the client made itself and cannot read
 * back (non-extractable unless the store must export it). Null where WebCrypto is missing (a page served over
 * plain HTTP, an engine without `crypto.subtle`): then sessions stay Bearer. `clock` is the time at an origin as
 * the device reckons it (see server-clock.ts), so that `iat` is fresh to that server whatever the device's clock says.
 */
export function createProofSigner(deps: { store: DpopKeyStore; clock: (origin: string) => number }): ProofSigner | null {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined || typeof globalThis.crypto.getRandomValues !== 'function') return null;
  const { store, clock } = deps;
  let held: ProofKey | null = null;
  const nonces = new Map<string, string>();
  let lastAth: { token: string; ath: string } | null = null;

  async function describe(keys: CryptoKeyPair): Promise<ProofKey> {
    const { crv, x, y } = await subtle!.exportKey('jwk', keys.publicKey);
    if (crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string') throw new TypeError('The stored DPoP key is not a P-256 key.');
    // RFC 7638: the required members only, in lexicographic order, no spaces.
    const thumbprintInput = `{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`;
    const jkt = encodeBase64url(new Uint8Array(await subtle!.digest('SHA-256', utf8(thumbprintInput))));
    const header = encodeBase64url(utf8(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x, y } })));
    return { jkt, keys, header };
  }

  async function athOf(token: string): Promise<string> {
    if (lastAth?.token === token) return lastAth.ath;
    const ath = encodeBase64url(new Uint8Array(await subtle!.digest('SHA-256', utf8(token))));
    lastAth = { token, ath };
    return ath;
  }

  return {
    async create() {
      try {
        // A store that cannot be used (IndexedDB refused) would lose the key at the next reload and, with it, the
        // session: such a client asks for a Bearer session instead.
        await store.load();
        return await describe(await subtle.generateKey(ALGORITHM, store.extractable === true, ['sign', 'verify']));
      } catch {
        return null;
      }
    },

    async keep(key) {
      // In memory first: should the store refuse the write, this page still holds the key its session needs.
      held = key;
      await store.save(key.keys);
    },

    async keyFor(jkt) {
      if (held !== null && (jkt === undefined || jkt === null || held.jkt === jkt)) return held;
      const keys = await store.load().catch(() => null);
      held = keys === null ? null : await describe(keys).catch(() => null);
      return held;
    },

    async sign(key, request) {
      const target = new URL(request.url, globalThis.location?.href);
      const htu = `${target.origin}${target.pathname}`;
      const claims: Record<string, string | number> = {
        jti: encodeBase64url(globalThis.crypto.getRandomValues(new Uint8Array(16))),
        htm: request.method.toUpperCase(),
        htu,
        iat: Math.floor(clock(target.origin) / 1000),
      };
      if (request.accessToken !== undefined) claims.ath = await athOf(request.accessToken);
      const nonce = nonces.get(target.origin);
      if (nonce !== undefined) claims.nonce = nonce;
      const input = `${key.header}.${encodeBase64url(utf8(JSON.stringify(claims)))}`;
      // WebCrypto's ECDSA signature is already the JWS form (R || S, 64 bytes), not DER.
      const signature = await subtle.sign(SIGNATURE, key.keys.privateKey, utf8(input));
      return `${input}.${encodeBase64url(new Uint8Array(signature))}`;
    },

    observe(url, headers) {
      const nonce = headers.get('dpop-nonce');
      let origin: string | null = null;
      try {
        origin = new URL(url, globalThis.location?.href).origin;
      } catch {
        origin = null;
      }
      // RFC 9449 §8: the nonce is per server; the one it sent last is the one to use.
      if (origin === null || nonce === null || nonce === nonces.get(origin) || !/^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/.test(nonce)) return false;
      nonces.set(origin, nonce);
      return true;
    },

    async forget() {
      held = null;
      await store.remove().catch(() => undefined);
    },
  };
}

function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
}
