import * as argon2 from '@node-rs/argon2';
import * as bcrypt from '@node-rs/bcrypt';
import { TesseraError } from '../errors.js';
import { runPasswordWork } from './password-work.js';

/**
 * argon2id with OWASP's minimum (m = 19 MiB, t = 2, p = 1). `@node-rs/argon2` hashes on libuv's thread pool,
 * so a login never blocks the event loop; `runPasswordWork` bounds how many run at once, so a login storm
 * cannot take the CPU the event loop needs either.
 */
export const ARGON2_PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 as argon2.Algorithm } as const;

/**
 * Passwords are hashed in Unicode NFKC (NIST SP 800-63B §5.1.1.2), so the same password typed on another
 * keyboard or system (a precomposed `é` or `e` + combining accent, a fullwidth digit) is the same password.
 */
export function hashPassword(password: string): Promise<string> {
  return runPasswordWork(() => argon2.hash(password.normalize('NFKC'), ARGON2_PARAMS));
}

const BCRYPT_PREFIX = /^\$2[abxy]\$\d{2}\$/;

/**
 * Verifies a password against an argon2 hash or an imported bcrypt hash. A malformed hash is a mismatch,
 * never an exception, so one corrupt row cannot turn a login into a 500.
 */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return (await matchPassword(passwordHash, password)).matches;
}

/**
 * Like `verifyPassword`, and also says whether the hash should be replaced after this successful check: its
 * parameters are outdated (`needsRehash`), or it was made before passwords were normalised and matched only the
 * password as typed. The NFKC form is tried first; the typed form only when it differs, so a hash from before
 * normalisation keeps verifying and is upgraded on the next login.
 */
export async function matchPassword(passwordHash: string, password: string): Promise<{ matches: boolean; rehash: boolean }> {
  const normalized = password.normalize('NFKC');
  if (await verifyExactly(passwordHash, normalized)) return { matches: true, rehash: needsRehash(passwordHash) };
  if (normalized !== password && (await verifyExactly(passwordHash, password))) return { matches: true, rehash: true };
  return { matches: false, rehash: false };
}

async function verifyExactly(passwordHash: string, password: string): Promise<boolean> {
  try {
    if (passwordHash.startsWith('$argon2')) return await runPasswordWork(() => argon2.verify(passwordHash, password));
    if (BCRYPT_PREFIX.test(passwordHash)) return await runPasswordWork(() => bcrypt.verify(password, passwordHash));
    return false;
  } catch (error) {
    // A full queue is the server's state, not a wrong password: it must reach the caller as 503.
    if (error instanceof TesseraError) throw error;
    return false;
  }
}

/** True when a hash should be replaced by a fresh argon2id hash after a successful login (bcrypt, weaker params). */
export function needsRehash(passwordHash: string): boolean {
  if (!passwordHash.startsWith('$argon2id$')) return true;
  try {
    const params = argon2.parseOptions(passwordHash);
    return params.memoryCost < ARGON2_PARAMS.memoryCost || params.timeCost < ARGON2_PARAMS.timeCost;
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * A real hash of a random password with the current parameters. Logins for an unknown email verify against it,
 * so they take as long as a wrong password and the response time does not reveal which emails exist.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
  return dummyHash;
}
