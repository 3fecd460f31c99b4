import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, signupWithCookie } from '../test/harness.js';
import { startSmtpServer } from '../test/smtp.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let t: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
  // Limits off: this measures the request itself, which a rate limit would cut short. Real SMTP: delivery to a
  // known address is real work, which must not show in the answer's timing.
  t = await createTestApp({ TESSERA_RATE_LIMIT: 'off', TESSERA_SMTP_URL: smtp.url });
  await signupWithCookie(t.request, 'ann@example.test');
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

describe('password reset enumeration', () => {
  it('a known and an unknown email take the same time (medians of 20 within 25%, mail delivered for real)', async () => {
    const time = async (email: string, into: number[]) => {
      const started = performance.now();
      const response = await t.request('/auth/password-reset', json({ email }));
      await response.arrayBuffer();
      into.push(performance.now() - started);
      expect(response.status).toBe(202);
      // The delivery finishes between requests, so it never overlaps the next measurement.
      await t.runtime.mail.idle();
    };
    for (let i = 0; i < 3; i += 1) {
      await time('warmup@example.test', []);
      await time('ann@example.test', []);
    }
    const round = async (): Promise<number> => {
      const unknown: number[] = [];
      const known: number[] = [];
      // ABBA order: each series is measured as often right after a real delivery as not, so the delivery's
      // after-effects (sockets closing, garbage) weigh on both alike.
      for (let i = 0; i < 20; i += 1) {
        if (i % 2 === 0) {
          await time(`nobody${i}@example.test`, unknown);
          await time('ann@example.test', known);
        } else {
          await time('ann@example.test', known);
          await time(`nobody${i}@example.test`, unknown);
        }
      }
      const [a, b] = [median(unknown), median(known)];
      console.info(`[enumeration] median password-reset request: unknown email ${a.toFixed(2)} ms, known email ${b.toFixed(2)} ms`);
      return Math.max(a, b) / Math.min(a, b);
    };
    // Up to three rounds: a leak (the delivery awaited inside the request) is in every round, while a
    // neighbour's burst on a shared machine rarely spoils three in a row.
    const ratios: number[] = [];
    while (ratios.length < 3 && !ratios.some((ratio) => ratio <= 1.25)) ratios.push(await round());
    expect(Math.min(...ratios)).toBeLessThanOrEqual(1.25);
    expect(smtp.received.filter((m) => m.to === 'ann@example.test' && m.subject === 'Reset your password')).toHaveLength(3 + 20 * ratios.length);
  });
});
