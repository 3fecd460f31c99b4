import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, TesseraError, type ErrorCode } from './errors.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map([...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]));

describe('the error catalog', () => {
  it('agrees with docs/errors.md: every code documented with its status, nothing documented that does not exist', () => {
    const inCode = new Map(Object.entries(ERROR_CATALOG).map(([code, { status }]) => [code, status]));
    expect(documented).toEqual(inCode);
  });

  it('uses snake_case codes and serialises to the contract shape', () => {
    for (const code of Object.keys(ERROR_CATALOG) as ErrorCode[]) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      const error = new TesseraError(code);
      expect(error.status).toBe(ERROR_CATALOG[code].status);
      expect(JSON.parse(JSON.stringify(error))).toEqual({ error: code, message: ERROR_CATALOG[code].message });
    }
  });
});
