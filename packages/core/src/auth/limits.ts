/** Requests limited per client address, whatever their outcome. */
export type LimitedAction =
  | 'signup'
  | 'refresh'
  | 'password_change'
  | 'admin'
  /** Requests that send a mail (verification resend, password-reset request, email change): a mail-bomb brake. */
  | 'account_mail'
  /** Presenting a one-time token (verify-email, password-reset completion). */
  | 'one_time_token'
  /** Two-factor enrolment, confirmation and removal. */
  | 'two_factor'
  /** Passkey registration and sign-in ceremonies. */
  | 'passkey';

/** One password check, already counted; the operation reports how it ended. */
export interface PasswordAttempt {
  /** The password was wrong. Resolves to the lockout's length when this failure used up the account's allowance. */
  failed(): { lockedForSeconds: number } | null;
  /** The password was right: the account's count starts again, and this attempt is not held against the address. */
  succeeded(): Promise<void>;
}

/**
 * The abuse limits the auth operations consult. The core decides *when* to count (a password check, a signup)
 * and what a lockout means; the server implements the counting over rate-limiter-flexible — in memory, or in
 * Redis so that every instance shares the counts.
 *
 * Every method rejects with `TesseraError('rate_limited', { retryAfter })` when over a limit, and with
 * `TesseraError('unavailable')` when its store cannot be reached: the operations fail closed rather than let
 * unlimited password guessing through while Redis is down. `ip` is null when the address is unknown; such
 * requests share one count rather than escaping the limit.
 */
export interface AbuseLimits {
  /** Counts one request of `action` from `ip`. */
  hit(action: LimitedAction, ip: string | null): Promise<void>;
  /**
   * Counts a password check against the account (normalised email) and the address *before* it runs — one atomic
   * increment each, so concurrent guesses cannot slip past the limit — and refuses it once either has used up its
   * allowance. Unknown emails are counted exactly like real ones, so a 429 never tells whether an account exists.
   */
  passwordAttempt(email: string, ip: string | null): Promise<PasswordAttempt>;
  /**
   * Counts one mail about to go to an account's address at somebody else's request (a password reset: anyone can
   * ask for one, from any number of addresses). Resolves to `null` when it may go, else to the seconds until it
   * may: the mail is then dropped without a word, since a refusal would say that the account exists.
   */
  mailToAccount(email: string): Promise<number | null>;
}
