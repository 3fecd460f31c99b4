import { isTesseraError } from '../errors.js';
import type { AuthContext, ClientInfo } from './context.js';
import { emitEvent } from './events.js';
import type { LimitedAction } from './limits.js';

export interface CheckedPasswordAttempt {
  failed(): void;
  succeeded(): Promise<void>;
}

type Account = { email: string; userId: string | null };

/**
 * Online password guessing: every password check (login, and the current password of a password change) is
 * first counted against the account and the client's address, and refused once either has used up its failures.
 * Login and password change draw on one budget per account, so a stolen access token cannot be turned into a
 * password-guessing oracle beside the login form. Without limits configured, nothing is counted.
 */
export async function startPasswordAttempt(
  ctx: AuthContext,
  action: 'login' | 'password_change' | 'two_factor',
  account: Account,
  client: ClientInfo,
): Promise<CheckedPasswordAttempt> {
  if (!ctx.limits) return { failed: () => {}, succeeded: async () => {} };
  let attempt;
  try {
    attempt = await ctx.limits.passwordAttempt(account.email, client.ip ?? null);
  } catch (error) {
    if (isTesseraError(error) && error.code === 'rate_limited') {
      if (action === 'login') emitEvent(ctx, client, { type: 'login_failed', ...account, reason: 'rate_limited' });
      else emitEvent(ctx, client, { type: 'rate_limited', action, retryAfterSeconds: retryAfterSeconds(error.retryAfter) });
    }
    throw error;
  }
  return {
    failed: () => {
      const locked = attempt.failed();
      if (locked) emitEvent(ctx, client, { type: 'lockout', ...account, retryAfterSeconds: locked.lockedForSeconds });
    },
    succeeded: () => attempt.succeeded(),
  };
}

function retryAfterSeconds(retryAfter: number | undefined): number {
  return Math.max(1, Math.ceil(retryAfter ?? 1));
}

/** Counts one signup, refresh or password change from the client's address (a flood of them is refused). */
export async function hitLimit(ctx: AuthContext, action: LimitedAction, client: ClientInfo): Promise<void> {
  if (!ctx.limits) return;
  try {
    await ctx.limits.hit(action, client.ip ?? null);
  } catch (error) {
    if (isTesseraError(error) && error.code === 'rate_limited') {
      emitEvent(ctx, client, { type: 'rate_limited', action, retryAfterSeconds: retryAfterSeconds(error.retryAfter) });
    }
    throw error;
  }
}
