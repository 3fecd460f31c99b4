import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { AsymmetricSigningAlg, SigningKey } from '../token/types.js';
import { jwkThumbprint } from './thumbprint.js';

/** A fresh key pair for `alg` (ES256 = P-256, EdDSA = Ed25519, RS256 = 2048-bit RSA); kid = RFC 7638 thumbprint. */
export function generateSigningKey(alg: AsymmetricSigningAlg): SigningKey {
  const { privateKey, publicKey } = generatePair(alg);
  return { kid: jwkThumbprint(publicKey), alg, privateKey, publicKey };
}

function generatePair(alg: AsymmetricSigningAlg): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    default:
      throw new Error(`cannot generate a key pair for ${String(alg)}`);
  }
}
