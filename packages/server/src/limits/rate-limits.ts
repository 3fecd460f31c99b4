import { createHash } from 'node:crypto';
import { TesseraError, type AbuseLimits, type LimitedAction, type PasswordAttempt } from '@tessera/core';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { limitKeyForIp } from './ip-key.js';

export interface LimitRule {
  points: number;
  durationSeconds: number;
}

/**
 * The limits, each a fixed window that starts with its first count. Password failures are what guessing costs;
 * the per-address request limits only cap floods (a refresh token cannot be guessed: 256 bits plus an HMAC tag).
 */
export const RATE_LIMITS = {
  /** Wrong passwords per account (normalised email, existing or not): 10 per 15 minutes. A right one resets it. */
  loginAccount: { points: 10, durationSeconds: 15 * 60 },
  /** Wrong passwords per client address, across all accounts (password spraying): 100 per 15 minutes. */
  loginIp: { points: 100, durationSeconds: 15 * 60 },
  /** Signups per address (mass account creation, probing the 409): 20 per 10 minutes. */
  signup: { points: 20, durationSeconds: 10 * 60 },
  /** Refreshes per address: 300 a minute — far above any browser's or racing tabs' need. */
  refresh: { points: 300, durationSeconds: 60 },
  /** Password changes per address (each costs two argon2 hashes): 10 per 15 minutes. */
  password_change: { points: 10, durationSeconds: 15 * 60 },
  /** Admin API requests per address: 120 a minute — a person at a console never needs more; a script stealing
   * an admin token to page through every account or flip roles in bulk is slowed down. */
  admin: { points: 120, durationSeconds: 60 },
  /** Two-factor enrolment, confirmation and removal per address: 30 per 15 minutes. (Codes themselves are
   * counted against the account's lockout, like passwords.) */
  two_factor: { points: 30, durationSeconds: 15 * 60 },
  /** Requests that send mail (verification resend, password-reset request, email change) per address: 10 per
   * 15 minutes — a person needs two or three; a script mailing someone's inbox full is stopped. */
  account_mail: { points: 10, durationSeconds: 15 * 60 },
  /** Password-reset mails per account, whoever asks from wherever: 3 an hour. Beyond, the mail is dropped silently
   * (the answer is the same 202), so that nobody can fill a person's inbox from many addresses. */
  resetMailAccount: { points: 3, durationSeconds: 60 * 60 },
  /** One-time tokens presented per address (verify-email, reset completion): 30 per 15 minutes. A token has 256
   * bits, so this caps floods rather than guessing. */
  one_time_token: { points: 30, durationSeconds: 15 * 60 },
  /** Every passkey ceremony step (options and answers, registration and sign-in) from one address. */
  passkey: { points: 60, durationSeconds: 60 },
} as const satisfies Record<string, LimitRule>;

export type RateLimitRules = { [K in keyof typeof RATE_LIMITS]: LimitRule };

export interface RateLimitOptions {
  /**
   * An ioredis client: the counts live in Redis and every instance on it shares them. Without one they live in
   * this process's memory (one instance, or each instance limiting on its own).
   */
  redis?: Redis | undefined;
  /** Prefix of every counter's key. */
  keyPrefix?: string;
  /** Overrides for tests and unusual deployments. */
  rules?: Partial<RateLimitRules>;
}

/**
 * Builds the abuse limits the auth core consults (see `AbuseLimits` in @tessera/core) over rate-limiter-flexible.
 *
 * When Redis is unreachable every limited operation fails closed with 503 `unavailable`: letting logins through
 * uncounted would turn an outage into unlimited password guessing. `rejectIfRedisNotReady` makes that answer
 * immediate instead of queueing requests behind a dead connection. (Verifying access tokens is never limited,
 * so APIs keep working.)
 */
export function createRateLimits(options: RateLimitOptions = {}): AbuseLimits {
  const rules: RateLimitRules = { ...RATE_LIMITS, ...options.rules };
  const prefix = options.keyPrefix ?? 'tessera:rl';
  const limiter = (name: keyof RateLimitRules): RateLimiterAbstract => {
    const common = { keyPrefix: `${prefix}:${name}`, points: rules[name].points, duration: rules[name].durationSeconds };
    return options.redis
      ? new RateLimiterRedis({ ...common, storeClient: options.redis, rejectIfRedisNotReady: true })
      : new RateLimiterMemory(common);
  };
  const limiters = {
    two_factor: limiter('two_factor'),
    passkey: limiter('passkey'),
    loginAccount: limiter('loginAccount'),
    loginIp: limiter('loginIp'),
    signup: limiter('signup'),
    refresh: limiter('refresh'),
    password_change: limiter('password_change'),
    admin: limiter('admin'),
    account_mail: limiter('account_mail'),
    one_time_token: limiter('one_time_token'),
    resetMailAccount: limiter('resetMailAccount'),
  };

  return {
    async hit(action: LimitedAction, ip: string | null): Promise<void> {
      await consume(limiters[action], limitKeyForIp(ip), 'Too many requests from this address; try again later.');
    },

    async passwordAttempt(email: string, ip: string | null): Promise<PasswordAttempt> {
      const ipKey = limitKeyForIp(ip);
      const accountKey = accountKeyFor(email);
      await consume(limiters.loginIp, ipKey, 'Too many failed attempts from this address; try again later.');
      let account: RateLimiterRes;
      try {
        account = await consume(limiters.loginAccount, accountKey, 'Too many failed attempts for this account; try again later.');
      } catch (error) {
        // A refused attempt checks no password, so it is not a failure of this address.
        await store(() => limiters.loginIp.reward(ipKey, 1));
        throw error;
      }
      return {
        // The failure was counted up front; this attempt locked the account if it used the last allowed failure.
        failed: () => (account.remainingPoints === 0 ? { lockedForSeconds: seconds(account.msBeforeNext) } : null),
        succeeded: async () => {
          await store(() => limiters.loginAccount.delete(accountKey));
          await store(() => limiters.loginIp.reward(ipKey, 1));
        },
      };
    },

    async mailToAccount(email: string): Promise<number | null> {
      try {
        await limiters.resetMailAccount.consume(accountKeyFor(email), 1);
        return null;
      } catch (error) {
        if (error instanceof RateLimiterRes) return seconds(error.msBeforeNext);
        throw unavailable(error);
      }
    },
  };
}

/** Counts one point; over the limit is 429 with the seconds until the window ends, a store failure is 503. */
async function consume(limiter: RateLimiterAbstract, key: string, message: string): Promise<RateLimiterRes> {
  try {
    return await limiter.consume(key, 1);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new TesseraError('rate_limited', message, { retryAfter: seconds(error.msBeforeNext) });
    throw unavailable(error);
  }
}

async function store<T>(task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    throw unavailable(error);
  }
}

function unavailable(cause: unknown): TesseraError {
  return new TesseraError('unavailable', 'The rate-limit store is unavailable; try again shortly.', { cause });
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * Counters are keyed by a hash of the email, never the address itself: a Redis dump or `MONITOR` then shows no
 * list of who tried to log in. Not a secret (an attacker can hash a guess), only kept out of plain sight.
 */
function accountKeyFor(email: string): string {
  return createHash('sha256').update(email).digest('base64url').slice(0, 22);
}
