import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { loadOrCreateSecret } from './secret-file.js';

describe('loadOrCreateSecret', () => {
  it('generates 32 random bytes once (mode 0600) and reads the same ones back', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'tessera-secret-file-')), 'data');
    const first = loadOrCreateSecret(dir);
    const again = loadOrCreateSecret(dir);
    expect(first.created).toBe(true);
    expect(again).toEqual({ secret: first.secret, created: false });
    expect(readFileSync(path.join(dir, 'secret'), 'utf8')).toBe(`${first.secret.toString('hex')}\n`);
    expect(statSync(path.join(dir, 'secret')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a guessable secret written into the file by hand, naming the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tessera-secret-file-'));
    const file = path.join(dir, 'secret');
    writeFileSync(file, `${'0'.repeat(64)}\n`);
    expect(() => loadOrCreateSecret(dir)).toThrow(ConfigError);
    expect(() => loadOrCreateSecret(dir)).toThrow(
      new RegExp(`^the secret file ${file.replace(/[/.]/g, '\\$&')} \\(used because TESSERA_SECRET is unset\\) is too easy to guess \\(it repeats a short pattern: about \\d+ bits where 112 are needed\\); run "npx tessera secret" for a random one\\.$`),
    );
  });
});
