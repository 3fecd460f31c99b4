import { parseDuration } from '@tessera/core';

/** What loadConfig reads for mail; see README "Mail". */
export interface MailConfig {
  /** TESSERA_SMTP_URL (`smtp://` or `smtps://`, credentials in the URL); null: the development outbox, or no mail. */
  smtpUrl: string | null;
  /** TESSERA_MAIL_FROM: the From header. */
  from: string;
  /** TESSERA_APP_URL: where links in mails point (`<app>/verify-email#token=…`); null: the issuer. */
  appUrl: string | null;
  /** TESSERA_EMAIL_VERIFICATION: off, optional (default when mail is available) or required (unverified cannot log in). */
  emailVerification: 'off' | 'optional' | 'required';
  /** TESSERA_PASSWORD_RESET: on (default when mail is available) or off. */
  passwordReset: boolean;
  /** TESSERA_VERIFY_EMAIL_TTL (default 24h) and TESSERA_PASSWORD_RESET_TTL (default 30m). */
  verifyEmailTtlSeconds: number;
  passwordResetTtlSeconds: number;
  /** TESSERA_MAIL_TEMPLATES: a directory whose files replace the built-in templates (see mail/templates.ts). */
  templatesDir: string | null;
}

export const DEVELOPMENT_FROM = 'Tessera <no-reply@localhost>';

type Env = Record<string, string | undefined>;
type Fail = (message: string) => never;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function ttl(env: Env, name: string, fallback: string, fail: Fail): number {
  const text = read(env, name) ?? fallback;
  let seconds = 0;
  try {
    seconds = parseDuration(text);
  } catch {
    // Reported below with the range.
  }
  if (seconds <= 0 || seconds > 7 * 86_400) {
    fail(`${name}="${text}" is not a usable lifetime; use a duration from 1s to 7d, like 30m or 24h.`);
  }
  return seconds;
}

/**
 * Mail features are on when mail can be delivered: with TESSERA_SMTP_URL, or outside production (where the
 * development outbox stands in). In production without SMTP they are off by default, so a server that does not use
 * them starts as before; asking for one of them there stops the start with the sentence saying what to set.
 * `productionNeeds` collects that sentence with production's other requirements.
 */
export function readMailConfig(env: Env, production: boolean, fail: Fail, productionNeeds: string[]): MailConfig {
  const smtpText = read(env, 'TESSERA_SMTP_URL');
  let smtpUrl: string | null = null;
  if (smtpText !== undefined) {
    let url: URL;
    try {
      url = new URL(smtpText);
    } catch {
      return fail('TESSERA_SMTP_URL is not a URL; write it like smtp://user:password@mail.example.com:587 or smtps://…:465.');
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') fail(`TESSERA_SMTP_URL must start with smtp:// or smtps://; it starts with ${url.protocol}.`);
    smtpUrl = url.href;
  }
  const available = smtpUrl !== null || !production;
  const verificationText = (read(env, 'TESSERA_EMAIL_VERIFICATION') ?? (available ? 'optional' : 'off')).toLowerCase();
  if (verificationText !== 'off' && verificationText !== 'optional' && verificationText !== 'required') {
    fail(`TESSERA_EMAIL_VERIFICATION="${verificationText}" must be off, optional or required.`);
  }
  const resetText = (read(env, 'TESSERA_PASSWORD_RESET') ?? (available ? 'on' : 'off')).toLowerCase();
  if (resetText !== 'on' && resetText !== 'off') fail(`TESSERA_PASSWORD_RESET="${resetText}" must be on or off.`);
  const emailVerification = verificationText as MailConfig['emailVerification'];
  const passwordReset = resetText === 'on';
  if (!available && (emailVerification !== 'off' || passwordReset)) {
    const wanted = [emailVerification !== 'off' ? `TESSERA_EMAIL_VERIFICATION=${emailVerification}` : null, passwordReset ? 'TESSERA_PASSWORD_RESET=on' : null].filter(Boolean).join(' and ');
    productionNeeds.push(`${wanted} needs mail when NODE_ENV=production: set TESSERA_SMTP_URL (smtp://… or smtps://…) and TESSERA_MAIL_FROM, or turn the feature off.`);
  }
  const from = read(env, 'TESSERA_MAIL_FROM');
  if (production && smtpUrl !== null && from === undefined) {
    productionNeeds.push('TESSERA_MAIL_FROM is required with TESSERA_SMTP_URL when NODE_ENV=production: set the sender, like "Example <no-reply@example.com>".');
  }
  const appText = read(env, 'TESSERA_APP_URL');
  let appUrl: string | null = null;
  if (appText !== undefined) {
    let url: URL;
    try {
      url = new URL(appText);
    } catch {
      return fail(`TESSERA_APP_URL="${appText}" is not a URL; write the address of your app, like https://app.example.com.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`TESSERA_APP_URL must start with https:// or http://; it starts with ${url.protocol}.`);
    if (production && url.protocol !== 'https:') productionNeeds.push('TESSERA_APP_URL must be an https:// URL when NODE_ENV=production: links in mails carry one-time tokens.');
    appUrl = url.href.replace(/\/+$/, '');
  }
  return {
    smtpUrl,
    from: from ?? DEVELOPMENT_FROM,
    appUrl,
    emailVerification,
    passwordReset,
    verifyEmailTtlSeconds: ttl(env, 'TESSERA_VERIFY_EMAIL_TTL', '24h', fail),
    passwordResetTtlSeconds: ttl(env, 'TESSERA_PASSWORD_RESET_TTL', '30m', fail),
    templatesDir: read(env, 'TESSERA_MAIL_TEMPLATES') ?? null,
  };
}
