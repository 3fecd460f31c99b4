import { useState } from 'react';
import { useSession, type SessionInfo } from '@tessera/react';
import { Alert, useAction } from '../components.js';
import { describeDevice } from '../device.js';
import { describeError } from '../errors.js';
import { dateTime, timeAgo } from '../time.js';

export function SessionsPage() {
  const { sessions, loading, error, revoke, logoutAll, refresh } = useSession();
  const action = useAction();
  const [confirming, setConfirming] = useState(false);

  return (
    <section className="card">
      <div className="card-head">
        <h1>Sessions</h1>
        <button type="button" className="button-quiet" onClick={() => void refresh()} disabled={loading}>Reload</button>
      </div>
      <p className="muted">Every device where you are logged in. Revoke any you don't recognise.</p>
      <Alert>{error ? describeError(error) : action.error}</Alert>
      {sessions === null ? (
        <p className="muted">{loading ? 'Loading sessions…' : ''}</p>
      ) : (
        <ul className="sessions" data-testid="sessions">
          {sessions.map((session) => (
            <SessionRow key={session.id} session={session} busy={action.busy} onRevoke={() => void action.run(() => revoke(session.id))} />
          ))}
        </ul>
      )}
      <div className="danger-zone">
        <h2>Log out everywhere</h2>
        <p className="muted">Ends every session, including this one. You will need to log in again on each device.</p>
        {confirming ? (
          <div className="actions">
            <button type="button" className="button-danger" disabled={action.busy} onClick={() => void action.run(logoutAll)}>Yes, log out everywhere</button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>Cancel</button>
          </div>
        ) : (
          <button type="button" className="button-danger" onClick={() => setConfirming(true)}>Log out everywhere</button>
        )}
      </div>
    </section>
  );
}

function SessionRow({ session, busy, onRevoke }: { session: SessionInfo; busy: boolean; onRevoke: () => void }) {
  return (
    <li className={session.current ? 'session current' : 'session'} data-testid="session">
      <div className="session-main">
        <strong>{describeDevice(session.userAgent)}</strong>
        {session.current && <span className="badge">This device</span>}
        {session.deviceBound && <span className="badge" title="Its tokens work only with a key this device holds">Bound to device</span>}
        <div className="muted small">
          {session.ip ?? 'Unknown IP'} · last used <time dateTime={String(session.lastUsedAt)} title={dateTime(session.lastUsedAt)}>{timeAgo(session.lastUsedAt)}</time>
          {' · '}signed in {dateTime(session.createdAt)}
        </div>
      </div>
      {!session.current && (
        <button type="button" className="button" disabled={busy} onClick={onRevoke} aria-label={`Revoke ${describeDevice(session.userAgent)} session`}>Revoke</button>
      )}
    </li>
  );
}
