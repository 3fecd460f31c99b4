import type { AccessToken } from './session-state.js';

/** setTimeout's limit: a longer delay would fire at once. */
const MAX_DELAY_MS = 2_147_483_647;

export interface RefreshTimer {
  /** Replaces any pending timer with one for this token. */
  schedule(token: AccessToken): void;
  cancel(): void;
}

/**
 * Proactive refresh: at most one timer at a time, due `leewayMs` before the token's `exp` (but never earlier
 * than half-way through its life, so a short-lived token is not refreshed the instant it arrives). Times come
 * from the injected clock; when the timer fires it checks that clock again, so a clock that moved (a test, a
 * device that slept) decides, not the timer. Refreshes started here are spaced at least `minGap` apart, so a
 * device clock far ahead of the server's cannot turn this into a refresh loop.
 */
export function createRefreshTimer(options: { clock: () => number; leewayMs: number; onDue: () => void }): RefreshTimer {
  let handle: ReturnType<typeof setTimeout> | undefined;
  let lastFired = Number.NEGATIVE_INFINITY;
  let minGap = 1000;

  function cancel(): void {
    if (handle !== undefined) clearTimeout(handle);
    handle = undefined;
  }

  function arm(dueAt: number): void {
    cancel();
    const delay = Math.min(Math.max(dueAt - options.clock(), 0), MAX_DELAY_MS);
    handle = setTimeout(() => {
      handle = undefined;
      if (options.clock() < dueAt) return arm(dueAt);
      lastFired = options.clock();
      options.onDue();
    }, delay);
    // In Node, a pending refresh must not keep the process alive by itself.
    (handle as unknown as { unref?: () => void }).unref?.();
  }

  return {
    schedule(token) {
      cancel();
      if (token.expiresAt === null) return;
      const lead = token.lifetimeMs === null ? options.leewayMs : Math.min(options.leewayMs, token.lifetimeMs / 2);
      minGap = Math.max(1000, (token.lifetimeMs ?? 0) / 4);
      arm(Math.max(token.expiresAt - lead, lastFired + minGap));
    },
    cancel,
  };
}
