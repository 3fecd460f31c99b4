import { closeDom } from '../test/dom.js';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { SoftAuthenticator } from '@tessera/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { AuthProvider, useAuth, usePasskeys } from './index.js';
import { countedClient, createUser, startTestServer, type TestServer } from '../test/helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => cleanup());
afterAll(async () => {
  await server?.close();
  await closeDom();
});

type Options = Parameters<SoftAuthenticator['register']>[0];

function Passkeys({ authenticator }: { authenticator: SoftAuthenticator }) {
  const { status, user } = useAuth();
  const { passkeys, register, remove, signIn } = usePasskeys();
  if (status !== 'authenticated') {
    return <button onClick={() => void signIn({ get: async (options: Options) => authenticator.authenticate(options, authenticator.credentials.at(-1)) })}>sign in with a passkey</button>;
  }
  return (
    <>
      <p data-testid="user">{user?.email}</p>
      {passkeys === null ? <p>loading passkeys</p> : <ul>{passkeys.map((p) => <li key={p.id} data-testid="passkey"><button onClick={() => void remove(p.id)}>remove {p.name}</button></li>)}</ul>}
      <button onClick={() => void register({ name: 'Desk', create: async (options: Options) => authenticator.register(options) })}>add</button>
    </>
  );
}

describe('usePasskeys against a real server', () => {
  test('loads the list once, adds and removes without reloading it; signs in with a passkey while signed out', async () => {
    const account = await createUser(server.url);
    const authenticator = new SoftAuthenticator(server.url);
    const { client, requests } = countedClient(server.url);
    await client.login(account);
    requests.length = 0;
    render(<AuthProvider client={client}><Passkeys authenticator={authenticator} /></AuthProvider>);
    await waitFor(() => expect(screen.queryByText('loading passkeys')).toBeNull());
    expect(screen.queryAllByTestId('passkey')).toHaveLength(0);
    fireEvent.click(screen.getByText('add'));
    await waitFor(() => expect(screen.queryAllByTestId('passkey')).toHaveLength(1));
    fireEvent.click(screen.getByText('remove Desk'));
    await waitFor(() => expect(screen.queryAllByTestId('passkey')).toHaveLength(0));
    expect(requests).toEqual(['GET /auth/passkeys', 'POST /auth/passkeys/register/options', 'POST /auth/passkeys/register', `DELETE /auth/passkeys/${authenticator.credentials[0]!.id}`]);

    // Add it again, log out, and sign in with it.
    fireEvent.click(screen.getByText('add'));
    await waitFor(() => expect(screen.queryAllByTestId('passkey')).toHaveLength(1));
    await act(() => client.logout());
    fireEvent.click(screen.getByText('sign in with a passkey'));
    await waitFor(() => expect(screen.getByTestId('user').textContent).toBe(account.email));
  });
});
