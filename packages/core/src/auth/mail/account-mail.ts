/**
 * The mail the account operations send. The core decides *what* to send and to whom; the server turns each
 * message into a subject, a text and an HTML part with a link at the app's URL, and delivers it (SMTP, or the
 * development outbox). Tokens appear in these messages only: never in an event or a log line.
 */
export type AccountMessage =
  /** A link proving the address: `token` goes to POST /auth/verify-email. */
  | { kind: 'verify_email'; to: string; token: string; expiresInSeconds: number }
  /** A link to set a new password: `token` goes to POST /auth/password-reset/complete. */
  | { kind: 'password_reset'; to: string; token: string; expiresInSeconds: number }
  /** The password was just reset: if it was not its owner, they learn it at once. */
  | { kind: 'password_reset_done'; to: string }
  /** Sent to the OLD address when the email changes: a hijacker changing it cannot do so unnoticed. */
  | { kind: 'email_changed'; to: string; newEmail: string };

export type AccountMessageKind = AccountMessage['kind'];

/** Delivers one message; rejects when it could not be handed to the mail system. */
export type SendAccountMail = (message: AccountMessage) => Promise<void>;

/** Whether, and how, the mail-based account features are on. Absent from the context: all of them are off. */
export interface AccountMailSettings {
  send: SendAccountMail;
  /**
   * `optional`: signup sends a verification link and tokens say whether the email is verified;
   * `required`: in addition, a user whose email is not verified cannot log in (`403 email_unverified`);
   * `off`: no verification mail, no claim.
   */
  emailVerification: 'off' | 'optional' | 'required';
  passwordReset: boolean;
  verifyEmailTtlSeconds: number;
  passwordResetTtlSeconds: number;
  /**
   * Runs work the answer must not wait for (the lookup-dependent part of a password-reset request), so that a
   * known and an unknown email take the same time. The server passes a runner that reports failures; without one
   * the work is awaited in line.
   */
  runLater?: (task: () => Promise<void>) => void;
}
