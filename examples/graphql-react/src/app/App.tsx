import { useState, type FormEvent, type ReactNode } from 'react';
import { useAuth } from '@tessera/react';
import { useMutation, useQuery } from 'urql';

const ACCOUNT = /* GraphQL */ `
  query Account {
    me { id email name createdAt }
    sessions { id current createdAt lastUsedAt userAgent }
  }
`;

const REVOKE_SESSION = /* GraphQL */ `
  mutation RevokeSession($id: ID!) { revokeSession(id: $id) }
`;

interface Account {
  me: { id: string; email: string; name: string | null; createdAt: string } | null;
  sessions: { id: string; current: boolean; createdAt: string; lastUsedAt: string; userAgent: string | null }[] | null;
}

export function App(): ReactNode {
  const { status } = useAuth();
  if (status === 'unknown') return <p>Loading…</p>;
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 640, margin: '2rem auto' }}>
      <h1>Tessera · GraphQL</h1>
      {status === 'authenticated' ? <AccountPage /> : <SignInForm />}
    </main>
  );
}

/** Signing in goes through @tessera/client (it keeps the session); everything after that is GraphQL. */
function SignInForm(): ReactNode {
  const { login, signup } = useAuth();
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>, action: 'login' | 'signup') {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const credentials = { email: String(form.get('email')), password: String(form.get('password')) };
    setError(null);
    try {
      await (action === 'login' ? login(credentials) : signup(credentials));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'Something went wrong.');
    }
  }

  return (
    <form aria-label="Sign in" onSubmit={(event) => void submit(event, (event.nativeEvent as SubmitEvent).submitter?.id === 'signup' ? 'signup' : 'login')}>
      <p>
        <label>Email <input name="email" type="email" autoComplete="username" required /></label>
      </p>
      <p>
        <label>Password <input name="password" type="password" autoComplete="current-password" required minLength={8} /></label>
      </p>
      <button id="login" type="submit">Log in</button> <button id="signup" type="submit">Sign up</button>
      {error !== null && <p role="alert">{error}</p>}
    </form>
  );
}

function AccountPage(): ReactNode {
  const { logout } = useAuth();
  const [result, reexecute] = useQuery<Account>({ query: ACCOUNT });
  const [, revokeSession] = useMutation<{ revokeSession: boolean | null }, { id: string }>(REVOKE_SESSION);
  const { data, error, fetching } = result;

  return (
    <section>
      {error && <p role="alert">{error.graphQLErrors.map((e) => `${String(e.extensions.code)}: ${e.message}`).join('; ') || error.message}</p>}
      {data?.me && (
        <p>
          Signed in as <strong data-testid="me-email">{data.me.email}</strong> (since {new Date(data.me.createdAt).toLocaleString()})
        </p>
      )}
      <p>
        <button type="button" onClick={() => reexecute()} disabled={fetching}>Reload</button>{' '}
        <button type="button" onClick={() => void logout()}>Log out</button>
      </p>
      <h2>Sessions</h2>
      <ul>
        {(data?.sessions ?? []).map((session) => (
          <li key={session.id}>
            {session.userAgent ?? 'unknown device'}, last used {new Date(session.lastUsedAt).toLocaleString()}
            {session.current ? (
              ' (this one)'
            ) : (
              <button type="button" onClick={() => void revokeSession({ id: session.id }).then(() => reexecute())}>Revoke</button>
            )}
          </li>
        ))}
      </ul>
      <p data-testid="loaded-at">{fetching ? 'loading' : `loaded ${data ? 'ok' : 'nothing'}`}</p>
    </section>
  );
}
