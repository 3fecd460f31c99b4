import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, signupWithCookie } from '../test/harness.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  // Limits off: this measures the password check itself, which a lockout would cut short.
  t = await createTestApp({ TESSERA_RATE_LIMIT: 'off' });
  await signupWithCookie(t.request);
});
afterAll(async () => t.close());

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Everything a client could compare, apart from the Date header. */
async function observable(response: Response) {
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => {
    if (name !== 'date') headers.push([name, value]);
  });
  return { status: response.status, headers, body: await response.text() };
}

describe('account enumeration', () => {
  it('an unknown email and a wrong password take the same time (real argon2; medians of 20 within 25%)', async () => {
    const time = async (email: string, into: number[]) => {
      const started = performance.now();
      const response = await t.request('/auth/login', json({ email, password: 'wrong password!' }));
      await response.arrayBuffer();
      into.push(performance.now() - started);
      expect(response.status).toBe(401);
    };
    // Warm-up (the dummy hash is made on first use); then interleaved, so drift hits both series alike.
    for (let i = 0; i < 3; i += 1) {
      await time('warmup@example.test', []);
      await time('ann@example.test', []);
    }
    const round = async (): Promise<number> => {
      const unknown: number[] = [];
      const wrong: number[] = [];
      for (let i = 0; i < 20; i += 1) {
        await time(`nobody${i}@example.test`, unknown);
        await time('ann@example.test', wrong);
      }
      const [a, b] = [median(unknown), median(wrong)];
      console.info(`[enumeration] median login: unknown email ${a.toFixed(1)} ms, wrong password ${b.toFixed(1)} ms`);
      return Math.max(a, b) / Math.min(a, b);
    };
    // Up to three rounds: a leak (no hash for an unknown email, tens of times faster) is in every round, while a
    // neighbour's burst on a shared machine rarely spoils three in a row.
    const ratios: number[] = [];
    while (ratios.length < 3 && !ratios.some((ratio) => ratio <= 1.25)) ratios.push(await round());
    expect(Math.min(...ratios)).toBeLessThanOrEqual(1.25);
  });

  it('an unknown email and a wrong password get byte-identical answers: status, headers and body', async () => {
    const unknown = await observable(await t.request('/auth/login', json({ email: 'nobody@example.test', password: 'wrong password!' })));
    const wrong = await observable(await t.request('/auth/login', json({ email: 'ann@example.test', password: 'wrong password!' })));
    expect(unknown).toEqual(wrong);
  });

  it('the one answer that tells an email has an account is the documented (and rate-limited) 409 on signup', async () => {
    const taken = await t.request('/auth/signup', json({ email: 'ann@example.test', password: 'another fine password' }));
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: 'email_taken' });
  });
});
