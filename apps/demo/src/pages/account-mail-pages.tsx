import { useEffect, useState, type FormEvent } from 'react';
import { useAuth, useAuthClient } from '@tessera/react';
import { Alert, Field, useAction } from '../components.js';
import { Link } from '../router.js';

/** The `#token=` of a mailed link: a fragment never reaches any server's log. */
function tokenFromLink(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

/** `/verify-email#token=…`: one click marks the email verified (a button, so a mail scanner's GET spends nothing). */
export function VerifyEmailPage() {
  const client = useAuthClient();
  const [token] = useState(tokenFromLink);
  const [done, setDone] = useState(false);
  const { busy, error, run } = useAction();
  const verify = async () => {
    if (await run(() => client.verifyEmail(token))) setDone(true);
  };
  return (
    <section className="card narrow">
      <h1>Confirm your email</h1>
      {done ? (
        <Alert kind="success">Your email address is verified.</Alert>
      ) : (
        <>
          <p className="muted">Confirm that this address is yours.</p>
          <Alert>{token ? error : 'This page needs the link from your mail.'}</Alert>
          <button type="button" className="button-primary wide" disabled={busy || !token} onClick={() => void verify()}>{busy ? 'Confirming…' : 'Confirm my email'}</button>
        </>
      )}
    </section>
  );
}

/** `/forgot-password`: asks for a reset link; the answer is the same whether or not the email has an account. */
export function ForgotPasswordPage() {
  const client = useAuthClient();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => client.requestPasswordReset(email))) setSent(true);
  };
  return (
    <section className="card narrow">
      <h1>Forgot your password?</h1>
      <p className="muted">We will mail you a link to choose a new one. It works once, for 30 minutes.</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field label="Email" type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Alert>{error}</Alert>
        <Alert kind="success">{sent ? 'If an account uses this email, a link to reset its password is on its way.' : null}</Alert>
        <button type="submit" className="button-primary wide" disabled={busy}>{busy ? 'Sending…' : 'Send me a link'}</button>
      </form>
      <p className="switch"><Link to="/login">Back to log in</Link></p>
    </section>
  );
}

/** `/reset-password#token=…`: sets the new password; every device, this one too, is logged out. */
export function ResetPasswordPage() {
  const client = useAuthClient();
  const [token] = useState(tokenFromLink);
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, setError, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (next !== confirm) {
      setError("The new passwords don't match.");
      return;
    }
    if (await run(() => client.completePasswordReset({ token, newPassword: next }))) setDone(true);
  };
  if (done) {
    return (
      <section className="card narrow">
        <h1>Password changed</h1>
        <Alert kind="success">Your password has been changed, and every device has been logged out.</Alert>
        <p className="switch"><Link to="/login">Log in</Link></p>
      </section>
    );
  }
  return (
    <section className="card narrow">
      <h1>Choose a new password</h1>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field label="New password" hint="At least 8 characters." type="password" name="new-password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} />
        <Field label="Repeat new password" type="password" name="confirm-password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        <Alert>{token ? error : 'This page needs the link from your mail.'}</Alert>
        <button type="submit" className="button-primary wide" disabled={busy || !token}>{busy ? 'Saving…' : 'Set new password'}</button>
      </form>
    </section>
  );
}

interface OutboxMessage {
  id: number;
  to: string;
  subject: string;
  text: string;
  sentAt: string;
}

/**
 * `/outbox`: the server's development outbox (no SMTP configured, not production) — the mail a user would have
 * received, with its links, so the whole flow can be tried on one machine.
 */
export function OutboxPage() {
  const [messages, setMessages] = useState<OutboxMessage[] | null>(null);
  const [failed, setFailed] = useState(false);
  const load = async () => {
    try {
      const response = await fetch('/dev/outbox', { headers: { accept: 'application/json' } });
      if (!response.ok || !response.headers.get('content-type')?.includes('application/json')) throw new Error('no outbox');
      setMessages(((await response.json()) as { messages: OutboxMessage[] }).messages);
      setFailed(false);
    } catch {
      setFailed(true);
    }
  };
  useEffect(() => {
    void load();
  }, []);
  return (
    <section className="card">
      <h1>Development outbox</h1>
      <p className="muted">Mail this server would have sent. It exists only without SMTP and outside production.</p>
      <button type="button" className="button" onClick={() => void load()}>Refresh</button>
      {failed && <Alert>This server sends real mail (or runs in production): there is no outbox to show.</Alert>}
      {messages?.length === 0 && <p className="muted">No mail yet.</p>}
      {messages?.map((message) => (
        <article key={message.id} className="mail" data-testid="outbox-message">
          <h2>{message.subject}</h2>
          <p className="muted">To {message.to} · {new Date(message.sentAt).toLocaleString()}</p>
          <pre>{message.text}</pre>
          {linkIn(message.text) && <a href={linkIn(message.text)!} data-testid="outbox-link">Open the link</a>}
        </article>
      ))}
    </section>
  );
}

function linkIn(text: string): string | null {
  return /https?:\/\/\S+#token=[A-Za-z0-9_-]+/.exec(text)?.[0] ?? null;
}

/** On the profile: whether the email is verified, and a way to get a new link. */
export function EmailStatus() {
  const { user, resendVerification, emailVerified } = useAuth();
  const [verified, setVerified] = useState<boolean | null>(null);
  const [sent, setSent] = useState<boolean | null>(null);
  const { busy, error, run } = useAction();
  // /auth/me says it (and nothing while the server has verification off); asked again when the email changes.
  useEffect(() => {
    let current = true;
    emailVerified().then((value) => current && setVerified(value), () => {});
    return () => {
      current = false;
    };
  }, [emailVerified, user?.email]);
  if (verified === null) return null;
  if (verified) return <p className="notice" data-testid="email-status">Email verified.</p>;
  const resend = async () => {
    await run(async () => setSent(await resendVerification()));
  };
  return (
    <div data-testid="email-status">
      <p className="muted">Email not verified yet: check your mail for the link.</p>
      <button type="button" className="button" disabled={busy} onClick={() => void resend()}>{busy ? 'Sending…' : 'Send a new link'}</button>
      <Alert>{error}</Alert>
      <Alert kind="success">{sent ? 'A new link is on its way.' : null}</Alert>
    </div>
  );
}
