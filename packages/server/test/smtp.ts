import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * A real SMTP server in this process, on a free loopback port: what Tessera delivers through nodemailer arrives
 * here and is parsed (headers, text and HTML parts) as a mail client would.
 */
export async function startSmtpServer() {
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const to = Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : (parsed.to?.text ?? '');
          received.push({ from: parsed.from?.text ?? '', to, subject: parsed.subject ?? '', text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : '' });
          for (const wake of waiters) wake();
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** The first mail to `to` whose subject matches, waiting (bounded: 5 s) for it to arrive. */
    async next(to: string, subject: string): Promise<ReceivedMail> {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const index = received.findIndex((m) => m.to === to && m.subject === subject);
        if (index >= 0) return received.splice(index, 1)[0]!;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`No mail "${subject}" to ${to} arrived within 5 s (received: ${received.map((m) => `${m.to}: ${m.subject}`).join('; ') || 'none'}).`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(left, 200));
          function done() {
            clearTimeout(timer);
            waiters.delete(done);
            resolve();
          }
          waiters.add(done);
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The one-time token in a mail's link (`…#token=<43 characters>`). */
export function tokenIn(text: string): string {
  const match = /#token=([A-Za-z0-9_-]{43})\b/.exec(text);
  if (!match) throw new Error('The mail carries no token link.');
  return match[1]!;
}
