import type { AccountMailSettings, AccountMessage } from '@tessera/core';
import nodemailer from 'nodemailer';
import type { MailConfig } from './config.js';
import { renderMail, type MailTemplates, type RenderedMail } from './templates.js';

/** A message the development outbox kept, as a developer would have received it. */
export interface OutboxMessage extends RenderedMail {
  id: number;
  from: string;
  sentAt: string;
}

/**
 * Development only (no TESSERA_SMTP_URL, NODE_ENV not production): mail is kept here instead of sent, and shown
 * at GET /dev/outbox and in the demo. Bounded: the newest 50.
 */
export interface DevOutbox {
  list(): readonly OutboxMessage[];
}

const OUTBOX_SIZE = 50;

export interface AccountMailer {
  /** What the auth core gets: how to send and the feature switches. Null when every mail feature is off. */
  settings: AccountMailSettings | null;
  /** Present when mail goes to the development outbox. */
  outbox: DevOutbox | null;
  /** Resolves when every queued delivery has finished (tests, and shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface AccountMailerOptions {
  config: MailConfig;
  /** Where links point: TESSERA_APP_URL, else the issuer. */
  appUrl: string;
  templates: MailTemplates;
  /** Where a failed delivery is reported: the recipient and the error, never the message (it holds a token). */
  log: (line: string) => void;
  now?: () => number;
}

/**
 * Builds the mail side of the account features. Deliveries run in the background: the request that triggered one
 * (a signup, a reset request) answers without waiting for SMTP, and an SMTP server that is slow or down costs the
 * user a mail, not a failed signup; the failure is logged.
 */
export function createAccountMailer(options: AccountMailerOptions): AccountMailer {
  const { config } = options;
  const now = options.now ?? Date.now;
  const enabled = config.emailVerification !== 'off' || config.passwordReset;
  const pending = new Set<Promise<void>>();
  const runLater = (task: () => Promise<void>) => {
    // Started on a later turn of the event loop, not merely after the first await: SQLite's driver is synchronous,
    // so the token's INSERT would otherwise still run before the answer is written.
    const running: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(task)
      .catch((error: unknown) => options.log(`[tessera] mail: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => pending.delete(running));
    pending.add(running);
  };

  let deliver: (mail: RenderedMail) => Promise<void>;
  let outbox: DevOutbox | null = null;
  let closeTransport = () => {};
  if (config.smtpUrl !== null) {
    const transport = nodemailer.createTransport(config.smtpUrl);
    closeTransport = () => transport.close();
    deliver = async (mail) => {
      try {
        await transport.sendMail({ from: config.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
      } catch (error) {
        // nodemailer's message names the server and the SMTP reply, never the mail's content.
        throw new Error(`delivery to ${mail.to} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    };
  } else {
    const kept: OutboxMessage[] = [];
    let nextId = 1;
    outbox = { list: () => [...kept].reverse() };
    deliver = async (mail) => {
      kept.push({ ...mail, id: nextId++, from: config.from, sentAt: new Date(now()).toISOString() });
      if (kept.length > OUTBOX_SIZE) kept.shift();
    };
  }

  const send = async (message: AccountMessage): Promise<void> => {
    const mail = renderMail(options.templates, options.appUrl, message);
    runLater(() => deliver(mail));
  };

  return {
    settings: enabled
      ? {
          send,
          emailVerification: config.emailVerification,
          passwordReset: config.passwordReset,
          verifyEmailTtlSeconds: config.verifyEmailTtlSeconds,
          passwordResetTtlSeconds: config.passwordResetTtlSeconds,
          runLater,
        }
      : null,
    outbox: enabled ? outbox : null,
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async close() {
      await this.idle();
      closeTransport();
    },
  };
}
