import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DpopNonces } from './types.js';

export interface DpopNonceOptions {
  /** At least 32 bytes; every instance that shares it accepts the others' nonces (no shared state needed). */
  secret: Uint8Array;
  /** A nonce is issued for one step and accepted during it and the next. Default 300 seconds. */
  stepSeconds?: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

const MAC_BYTES = 16;

/**
 * Stateless server nonces (RFC 9449 §8): `<step>.<MAC(step)>`, where step counts `stepSeconds` periods. A nonce
 * limits pre-computed proofs: a client that captured the key's signing ability for a while (script injection)
 * cannot mint proofs for later use, because their nonce expires within two steps.
 */
export function createDpopNonces(options: DpopNonceOptions): DpopNonces {
  if (options.secret.byteLength < 32) throw new TypeError('the DPoP nonce secret must be at least 32 bytes');
  const stepMs = (options.stepSeconds ?? 300) * 1000;
  if (!Number.isInteger(stepMs) || stepMs <= 0) throw new TypeError('stepSeconds must be a positive whole number of seconds');
  const secret = Buffer.from(options.secret);
  const now = options.now ?? Date.now;
  const macOf = (step: number): Buffer => createHmac('sha256', secret).update(`tessera-dpop-nonce:${step}`).digest().subarray(0, MAC_BYTES);
  const stepAt = (): number => Math.floor(now() / stepMs);

  return {
    current: () => {
      const step = stepAt();
      return `${step.toString(36)}.${macOf(step).toString('base64url')}`;
    },
    isValid: (nonce) => {
      const dot = nonce.indexOf('.');
      if (dot <= 0 || nonce.length > 64) return false;
      const step = parseInt(nonce.slice(0, dot), 36);
      if (nonce.slice(0, dot) !== step.toString(36)) return false;
      const current = stepAt();
      if (step !== current && step !== current - 1) return false;
      const mac = Buffer.from(nonce.slice(dot + 1), 'base64url');
      // Forged nonces: compared in constant time so the MAC can't be found byte by byte.
      return mac.length === MAC_BYTES && timingSafeEqual(mac, macOf(step));
    },
  };
}
