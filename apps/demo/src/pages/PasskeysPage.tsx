import { useState, type FormEvent } from 'react';
import { usePasskeys } from '@tessera/react';
import type { AuthPasskey } from '@tessera/client';
import { Alert, Field, useAction } from '../components.js';
import { describeError } from '../errors.js';
import { createPasskey } from '../passkey-ceremony.js';
import { dateTime, timeAgo } from '../time.js';

export function PasskeysPage() {
  const { passkeys, loading, error, register, remove } = usePasskeys();
  const action = useAction();
  const [name, setName] = useState('');
  const [added, setAdded] = useState<string | null>(null);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setAdded(null);
    const ok = await action.run(() => register({ create: createPasskey, ...(name.trim() === '' ? {} : { name }) }));
    if (ok) {
      setAdded('Passkey added. Next time, sign in with it instead of your password.');
      setName('');
    }
  };

  return (
    <section className="card">
      <h1>Passkeys</h1>
      <p className="muted">Sign in with your fingerprint, face or device PIN instead of a password. Each passkey stays on your device (or in your password manager); the server keeps only its public key.</p>
      <Alert>{error ? describeError(error) : action.error}</Alert>
      <Alert kind="success">{added}</Alert>
      {passkeys === null ? (
        <p className="muted">{loading ? 'Loading passkeys…' : ''}</p>
      ) : passkeys.length === 0 ? (
        <p className="muted" data-testid="no-passkeys">You have no passkeys yet.</p>
      ) : (
        <ul className="sessions" data-testid="passkeys">
          {passkeys.map((passkey) => (
            <PasskeyRow key={passkey.id} passkey={passkey} busy={action.busy} onRemove={() => void action.run(() => remove(passkey.id))} />
          ))}
        </ul>
      )}
      <form onSubmit={(event) => void add(event)} noValidate>
        <Field label="Name (optional)" name="passkey-name" placeholder="My laptop" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="button-primary" disabled={action.busy}>{action.busy ? 'Waiting for your device…' : 'Add a passkey'}</button>
      </form>
    </section>
  );
}

function PasskeyRow({ passkey, busy, onRemove }: { passkey: AuthPasskey; busy: boolean; onRemove: () => void }) {
  return (
    <li className="session" data-testid="passkey">
      <div className="session-main">
        <strong>{passkey.name}</strong>
        {passkey.deviceType === 'multiDevice' && <span className="badge">Synced</span>}
        <div className="muted small">
          added {dateTime(passkey.createdAt)} · {passkey.lastUsedAt === null ? 'never used' : <>last used <time dateTime={passkey.lastUsedAt}>{timeAgo(passkey.lastUsedAt)}</time></>}
        </div>
      </div>
      <button type="button" className="button" disabled={busy} onClick={onRemove} aria-label={`Remove passkey ${passkey.name}`}>Remove</button>
    </li>
  );
}
