import type { AuthEvent, AuthEventListener } from '@tessera/core';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config.js';

/** Events an operator should look at: guessing, lockouts, stolen refresh tokens, floods, a leaked key withdrawn. */
const WARNINGS: ReadonlySet<AuthEvent['type']> = new Set(['login_failed', 'password_change_failed', 'lockout', 'reuse_detected', 'stolen_token_detected', 'rate_limited', 'key_revoked', 'two_factor_failed', 'two_factor_disabled', 'recovery_codes_regenerated']);

/** A refresh token we never issued is a guess; a real one of an ended session is a browser's stale cookie. */
function isWarning(event: AuthEvent): boolean {
  return event.type === 'refresh_failed' ? event.reason === 'invalid_token' : WARNINGS.has(event.type);
}

/**
 * Field names that must never reach a log line. Events never carry them (see AuthEvent); this is the second
 * lock, should a future event or a claims hook put one there by mistake.
 */
const SECRET_FIELDS = ['password', 'currentPassword', 'newPassword', 'passwordHash', 'token', 'accessToken', 'refreshToken', 'secret', 'csrfToken'];

export interface AuditLogOptions {
  /** Where the JSON lines go; standard output by default. */
  destination?: DestinationStream;
  /** `info` logs every event, `warn` only failures, lockouts, reuse and rate limiting; `silent` none. */
  level?: LogLevel;
}

/** A pino logger that writes one JSON line per record, with an ISO time and the level as a word. */
export function createLogger(options: AuditLogOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: SECRET_FIELDS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * The audit-event listener `tessera serve` installs: every event becomes one structured log line, e.g.
 * `{"level":"warn","time":"…","type":"login_failed","at":"…","ip":"203.0.113.9","userAgent":"…","email":"…",
 * "userId":null,"reason":"unknown_email","msg":"login_failed"}`.
 */
export function createAuditLog(options: AuditLogOptions & { logger?: Logger } = {}): AuthEventListener {
  const logger = (options.logger ?? createLogger(options)).child({ audit: true });
  return (event) => {
    if (isWarning(event)) logger.warn(event, event.type);
    else logger.info(event, event.type);
  };
}
