import { randomFillSync } from 'node:crypto';

// crypto.randomInt costs more than the rest of /api/number's handler; a refilled pool of CSPRNG bytes does not.
const pool = Buffer.alloc(4096);
let next = pool.length;

/** A uniform number from 1 to 10 (bytes ≥ 250 are skipped so every number is equally likely). */
export function oneToTen(): number {
  for (;;) {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    const byte = pool[next++] as number;
    if (byte < 250) return (byte % 10) + 1;
  }
}
