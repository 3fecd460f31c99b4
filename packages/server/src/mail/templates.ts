import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AccountMessage, AccountMessageKind } from '@tessera/core';

/**
 * One template per message kind: a subject, a plain-text body and an HTML body, with `{{name}}` placeholders —
 * `{{link}}`, `{{email}}`, `{{newEmail}}`, `{{minutes}}`, `{{appUrl}}`. Values are HTML-escaped in the HTML part.
 * A directory given by TESSERA_MAIL_TEMPLATES replaces any of them with files named `<kind>.subject.txt`,
 * `<kind>.txt` and `<kind>.html` (kinds: verify_email, password_reset, password_reset_done, email_changed).
 */
export interface MailTemplate {
  subject: string;
  text: string;
  html: string;
}

export type MailTemplates = Record<AccountMessageKind, MailTemplate>;

const page = (body: string) => `<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">${body}</body></html>`;

export const DEFAULT_TEMPLATES: MailTemplates = {
  verify_email: {
    subject: 'Confirm your email address',
    text: 'Hello,\n\nConfirm that {{email}} is your address by opening this link:\n\n{{link}}\n\nThe link works once, for {{minutes}} minutes. If you did not sign up, ignore this mail.\n',
    html: page('<p>Hello,</p><p>Confirm that {{email}} is your address:</p><p><a href="{{link}}">Confirm my email address</a></p><p>The link works once, for {{minutes}} minutes. If you did not sign up, ignore this mail.</p>'),
  },
  password_reset: {
    subject: 'Reset your password',
    text: 'Hello,\n\nSomeone (we hope you) asked to reset the password of {{email}}. Choose a new one here:\n\n{{link}}\n\nThe link works once, for {{minutes}} minutes. If it was not you, ignore this mail: your password stays as it is.\n',
    html: page('<p>Hello,</p><p>Someone (we hope you) asked to reset the password of {{email}}.</p><p><a href="{{link}}">Choose a new password</a></p><p>The link works once, for {{minutes}} minutes. If it was not you, ignore this mail: your password stays as it is.</p>'),
  },
  password_reset_done: {
    subject: 'Your password was changed',
    text: 'Hello,\n\nThe password of {{email}} was just reset, and every device was signed out.\n\nIf this was not you, reset it again at {{appUrl}}/forgot-password and tell us.\n',
    html: page('<p>Hello,</p><p>The password of {{email}} was just reset, and every device was signed out.</p><p>If this was not you, <a href="{{appUrl}}/forgot-password">reset it again</a> and tell us.</p>'),
  },
  email_changed: {
    subject: 'Your email address was changed',
    text: 'Hello,\n\nThe email address of your account was changed from {{email}} to {{newEmail}}.\n\nIf this was not you, reply to this mail at once.\n',
    html: page('<p>Hello,</p><p>The email address of your account was changed from {{email}} to {{newEmail}}.</p><p>If this was not you, reply to this mail at once.</p>'),
  },
};

const KINDS = Object.keys(DEFAULT_TEMPLATES) as AccountMessageKind[];

/** The built-in templates with whatever files `dir` holds in their place (read once, at start). */
export function loadTemplates(dir: string | null): MailTemplates {
  if (dir === null) return DEFAULT_TEMPLATES;
  if (!existsSync(dir)) throw new Error(`TESSERA_MAIL_TEMPLATES="${dir}" does not exist; point it at a directory of templates or unset it.`);
  const templates = { ...DEFAULT_TEMPLATES };
  for (const kind of KINDS) {
    const file = (suffix: string) => {
      const name = path.join(dir, `${kind}.${suffix}`);
      return existsSync(name) ? readFileSync(name, 'utf8') : undefined;
    };
    const base = DEFAULT_TEMPLATES[kind];
    templates[kind] = { subject: file('subject.txt')?.trim() ?? base.subject, text: file('txt') ?? base.text, html: file('html') ?? base.html };
  }
  return templates;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function fill(template: string, values: Record<string, string>, escape: (value: string) => string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in values ? escape(values[name]!) : whole));
}

export interface RenderedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * The link of a message that carries a token. The token travels in the fragment (`#token=`): browsers never send
 * a fragment to a server, so it stays out of access logs, proxies and Referer headers; the app's page reads it.
 */
export function linkFor(appUrl: string, message: AccountMessage): string | null {
  if (message.kind === 'verify_email') return `${appUrl}/verify-email#token=${message.token}`;
  if (message.kind === 'password_reset') return `${appUrl}/reset-password#token=${message.token}`;
  return null;
}

export function renderMail(templates: MailTemplates, appUrl: string, message: AccountMessage): RenderedMail {
  const template = templates[message.kind];
  const values: Record<string, string> = { email: message.to, appUrl };
  const link = linkFor(appUrl, message);
  if (link !== null) values.link = link;
  if ('expiresInSeconds' in message) values.minutes = String(Math.round(message.expiresInSeconds / 60));
  if (message.kind === 'email_changed') values.newEmail = message.newEmail;
  // Subjects are a header: no line breaks may come from a value.
  const plain = (value: string) => value.replace(/[\r\n]+/g, ' ');
  return {
    to: message.to,
    subject: fill(template.subject, values, plain),
    text: fill(template.text, values, (v) => v),
    html: fill(template.html, values, escapeHtml),
  };
}
