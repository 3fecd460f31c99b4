import { useEffect, useState, type FormEvent } from 'react';
import type { TwoFactorEnrollment, TwoFactorStatus } from '@tessera/client';
import { useAuth } from '@tessera/react';
import QRCode from 'qrcode';
import { Alert, Field, useAction } from '../components.js';

/** Turn TOTP on (QR code, first code, recovery codes shown once), renew the recovery codes, or turn it off (a code or the password). */
export function TwoFactorPage() {
  const { twoFactor } = useAuth();
  const [status, setStatus] = useState<TwoFactorStatus | null>(null);
  const [enrollment, setEnrollment] = useState<TwoFactorEnrollment | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const { busy, error, run } = useAction();

  const reload = () => run(async () => setStatus(await twoFactor.status()));
  useEffect(() => {
    void reload();
  }, [twoFactor]);

  const start = () =>
    run(async () => {
      const started = await twoFactor.enroll();
      setEnrollment(started);
      setQr(await QRCode.toDataURL(started.otpauthUri, { margin: 1, width: 220 }));
      setRecoveryCodes(null);
    });

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(async () => setRecoveryCodes((await twoFactor.confirm({ code: code.replace(/\s/g, '') })).recoveryCodes))) {
      setEnrollment(null);
      setQr(null);
      setCode('');
      await reload();
    }
  };

  /** A current code from the app, else the password: what turning off and new recovery codes both need. */
  const proof = () => (code !== '' ? { code: code.replace(/\s/g, '') } : { password });

  const renewCodes = async () => {
    if (await run(async () => setRecoveryCodes((await twoFactor.regenerateRecoveryCodes(proof())).recoveryCodes))) {
      setCode('');
      setPassword('');
      await reload();
    }
  };

  const disable = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => twoFactor.disable(proof()))) {
      setCode('');
      setPassword('');
      setRecoveryCodes(null);
      await reload();
    }
  };

  return (
    <section className="card">
      <h1>Two-factor authentication</h1>
      {status === null && <p className="muted">Loading…</p>}
      {status !== null && (
        <p data-testid="two-factor-status">
          {status.enabled ? `On. ${status.recoveryCodesLeft} recovery codes left.` : 'Off. Add an authenticator app (Google Authenticator, 1Password, Aegis…) to protect your account with a code at each login.'}
        </p>
      )}

      {recoveryCodes && (
        <div className="notice success" role="status">
          <p><strong>Save these recovery codes now.</strong> Each signs you in once if you lose your phone; they will not be shown again.</p>
          <ul className="codes" data-testid="recovery-codes">{recoveryCodes.map((c) => <li key={c}><code>{c}</code></li>)}</ul>
        </div>
      )}

      {status !== null && !status.enabled && !enrollment && (
        <button type="button" className="button-primary" disabled={busy} onClick={() => void start()}>Set up an authenticator app</button>
      )}

      {enrollment && (
        <form onSubmit={(event) => void confirm(event)} noValidate>
          <p>Scan this QR code with your authenticator app, then enter the code it shows.</p>
          {qr && <img src={qr} alt="QR code of the authenticator secret" width={220} height={220} data-testid="two-factor-qr" />}
          <p className="muted">Can't scan? Enter this key: <code data-testid="two-factor-secret">{enrollment.secret}</code></p>
          <p className="muted small">Or open <a href={enrollment.otpauthUri} data-testid="otpauth-uri">this otpauth:// link</a> on this device.</p>
          <Field label="Code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} />
          <Alert>{error}</Alert>
          <button type="submit" className="button-primary" disabled={busy}>Turn on</button>
        </form>
      )}

      {status?.enabled && (
        <form onSubmit={(event) => void disable(event)} noValidate>
          <h2>Recovery codes and turning off</h2>
          <p className="muted">Confirm with a current code from the app, or with your password. New recovery codes replace every old one.</p>
          <Field label="Code from the app" name="disable-code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
          <Field label="Or your password" type="password" name="disable-password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          <Alert>{error}</Alert>
          <button type="button" className="button" disabled={busy} onClick={() => void renewCodes()}>Get new recovery codes</button>{' '}
          <button type="submit" className="button" disabled={busy}>Turn off two-factor authentication</button>
        </form>
      )}
      {!enrollment && !status?.enabled && <Alert>{error}</Alert>}
    </section>
  );
}
