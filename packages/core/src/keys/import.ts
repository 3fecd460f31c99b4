import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { SigningAlg, SigningKey } from '../token/types.js';
import { deriveHs256Key } from './hs256.js';
import { keyMismatch } from './key-mismatch.js';
import { jwkThumbprint } from './thumbprint.js';

const PRIVATE_PEM = /^-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/;
const PUBLIC_PEM = /^-----BEGIN (?:RSA )?PUBLIC KEY-----|^-----BEGIN CERTIFICATE-----/;
const ENCRYPTED_PEM = /^-----BEGIN ENCRYPTED PRIVATE KEY-----/;

/**
 * Reads an operator-supplied signing key (TESSERA_SIGNING_KEY): a private JWK (JSON) or a PEM private key
 * (PKCS#8, SEC1 EC or PKCS#1 RSA); for HS256 an `oct` JWK of at least 32 bytes. Refuses, with a sentence that
 * never contains key material, a public key, a key that does not fit `alg`, or text that does not parse.
 * The kid is the key's RFC 7638 thumbprint (HS256: see `deriveHs256Key`).
 */
export function importSigningKey(text: string, alg: SigningAlg): SigningKey {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return fromJwk(trimmed, alg);
  if (trimmed.startsWith('-----BEGIN')) return fromPem(trimmed, alg);
  throw new Error('the signing key is neither a JWK (JSON object) nor a PEM private key');
}

function fromJwk(text: string, alg: SigningAlg): SigningKey {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new Error('the signing key looks like a JWK but is not valid JSON');
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new Error('the signing key JWK is not a JSON object');
  const members = jwk as Record<string, unknown>;
  if (members.kty === 'oct') {
    if (alg !== 'HS256') throw new Error(`the signing key is a shared secret (oct JWK) but the algorithm is ${alg}`);
    if (typeof members.k !== 'string' || !/^[A-Za-z0-9_-]*$/.test(members.k)) throw new Error('the oct JWK has no base64url "k" member');
    return deriveHs256Key(Buffer.from(members.k, 'base64url'));
  }
  if (alg === 'HS256') throw new Error('HS256 needs an oct JWK (a shared secret of at least 32 bytes)');
  if (members.d === undefined) throw new Error('the signing key is a public JWK; a private key is needed');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: members as JsonWebKey, format: 'jwk' });
  } catch {
    throw new Error('the signing key JWK does not parse as a private key');
  }
  return asymmetric(privateKey, alg);
}

function fromPem(text: string, alg: SigningAlg): SigningKey {
  if (alg === 'HS256') throw new Error('HS256 needs an oct JWK (a shared secret of at least 32 bytes), not a PEM key');
  if (PUBLIC_PEM.test(text)) throw new Error('the signing key is a public key or certificate; a private key is needed');
  if (ENCRYPTED_PEM.test(text)) throw new Error('the signing key PEM is encrypted; give the unencrypted private key');
  if (!PRIVATE_PEM.test(text)) throw new Error('the signing key PEM is not a PKCS#8, SEC1 EC or PKCS#1 RSA private key');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: text, format: 'pem' });
  } catch {
    throw new Error('the signing key PEM does not parse as a private key');
  }
  return asymmetric(privateKey, alg);
}

function asymmetric(privateKey: KeyObject, alg: SigningAlg): SigningKey {
  const problem = keyMismatch(privateKey, alg);
  if (problem !== undefined) throw new Error(`the signing key does not fit ${alg}: ${problem}`);
  const publicKey = createPublicKey(privateKey);
  return { kid: jwkThumbprint(publicKey), alg, privateKey, publicKey };
}
