import { closeDom } from '../test/dom.js';
import { useState } from 'react';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { decodeClaims } from '@tessera/client';
import { AuthProvider, RequireAuth, useAuth, useSession } from './index.js';
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

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 150)));

function SessionList() {
  const { sessions, revoke, logoutAll } = useSession();
  const [, force] = useState(0);
  if (sessions === null) return <p>loading sessions</p>;
  return (
    <>
      <ul>
        {sessions.map((s) => (
          <li key={s.id} data-testid="session">
            {s.current ? 'current' : <button onClick={() => void revoke(s.id)}>revoke {s.id}</button>}
          </li>
        ))}
      </ul>
      <button onClick={() => force((n) => n + 1)}>re-render</button>
      <button onClick={() => void logoutAll()}>everywhere</button>
    </>
  );
}

function LoginButton({ email, password }: { email: string; password: string }) {
  const { login } = useAuth();
  return <button onClick={() => void login({ email, password })}>log in</button>;
}

describe('useSession and RequireAuth against a real server', () => {
  test('sessions load once per signed-in user; revoke and logoutAll send one request each', async () => {
    const account = await createUser(server.url);
    const otherDevice = countedClient(server.url);
    await otherDevice.client.login(account);

    const { client, requests } = countedClient(server.url);
    let redirects = 0;
    render(
      <AuthProvider client={client}>
        <RequireAuth fallback={<LoginButton {...account} />} loading={<p>restoring</p>} onUnauthenticated={() => redirects++}>
          <SessionList />
        </RequireAuth>
      </AuthProvider>,
    );
    screen.getByText('restoring'); // throws when absent
    await waitFor(() => screen.getByText('log in'));
    expect(redirects).toBe(1);
    const before = requests.length;

    fireEvent.click(screen.getByText('log in'));
    // The signup, the other device and this one.
    await waitFor(() => expect(screen.getAllByTestId('session').length).toBe(3));
    for (let i = 0; i < 15; i++) fireEvent.click(screen.getByText('re-render'));
    await settle();
    expect(requests.slice(before)).toEqual(['POST /auth/login', 'GET /auth/sessions']);

    const otherSession = decodeClaims(otherDevice.client.getAccessToken()!)?.sid;
    fireEvent.click(screen.getByText(`revoke ${String(otherSession)}`));
    await waitFor(() => expect(screen.getAllByTestId('session').length).toBe(2));
    await settle();
    expect(requests.slice(before + 2)).toEqual([expect.stringMatching(/^DELETE \/auth\/sessions\/.+/)]);
    // The revoked device is really out.
    await expect(otherDevice.client.me()).rejects.toMatchObject({ status: 401 });

    fireEvent.click(screen.getByText('everywhere'));
    await waitFor(() => screen.getByText('log in'));
    await settle();
    expect(requests.slice(before + 3)).toEqual(['POST /auth/logout-all']);
    expect(redirects).toBe(2);
    expect(screen.queryByTestId('session')).toBeNull();
    client.destroy();
    otherDevice.client.destroy();
  });
});
