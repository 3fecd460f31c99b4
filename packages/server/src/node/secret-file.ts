import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseSecret } from '@tessera/core';
import { ConfigError } from '../config.js';

export const SECRET_FILE = 'secret';

/**
 * The server secret when TESSERA_SECRET is not set: generated once into the data dir (mode 0600, created
 * exclusively so two instances starting together cannot write two different secrets) and read back on every
 * later start, so sessions, CSRF tokens and stored keys survive restarts.
 */
export function loadOrCreateSecret(dataDir: string): { secret: Buffer; created: boolean } {
  const file = path.join(dataDir, SECRET_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return { secret: read(file), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { secret: read(file), created: false };
}

/** A file someone edited by hand gets the same checks as TESSERA_SECRET, and the refusal names the file. */
function read(file: string): Buffer {
  try {
    return parseSecret(readFileSync(file, 'utf8'), `the secret file ${file} (used because TESSERA_SECRET is unset)`);
  } catch (error) {
    if (error instanceof RangeError) throw new ConfigError(`${error.message}.`);
    throw error;
  }
}
