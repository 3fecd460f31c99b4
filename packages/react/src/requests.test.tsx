import { closeDom } from '../test/dom.js';
import { StrictMode, type ReactNode } from 'react';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { AuthProvider, useAuth } from './index.js';
import { countedClient, createUser, startTestServer, type TestServer } from '../test/helpers.js';

// Counts every request the client sends to a real server while React renders, re-renders and changes status:
// the only requests must be the ones the user's actions and the provider's single restore() call for.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => cleanup());
afterAll(async () => {
  await server?.close();
  await closeDom();
});

function Status() {
  const { status, user } = useAuth();
  return <p data-testid="status">{`${status}:${user?.email ?? '-'}`}</p>;
}

function Buttons({ email, password }: { email: string; password: string }) {
  const { login, logout } = useAuth();
  return (
    <>
      <button onClick={() => void login({ email, password })}>log in</button>
      <button onClick={() => void logout()}>log out</button>
    </>
  );
}

const statusText = () => screen.getAllByTestId('status').map((node) => node.textContent);
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 150)));

describe('AuthProvider and useAuth against a real server', () => {
  test('a returning user costs one refresh and one /auth/me; re-renders and status changes cost nothing more', async () => {
    const account = await createUser(server.url);
    // A previous visit: logged in, refresh token kept in storage.
    const previous = countedClient(server.url);
    await previous.client.login(account);
    previous.client.destroy();

    const { client, requests } = countedClient(server.url, previous.storage);
    const tree = (tick: number): ReactNode => (
      <StrictMode>
        <AuthProvider client={client}>
          <Status />
          <Status />
          <Buttons {...account} />
          <span>{tick}</span>
        </AuthProvider>
      </StrictMode>
    );
    const view = render(tree(0));
    expect(statusText()).toEqual(['unknown:-', 'unknown:-']);
    await waitFor(() => expect(statusText()).toEqual([`authenticated:${account.email}`, `authenticated:${account.email}`]));
    await settle();
    expect(requests).toEqual(['POST /auth/refresh', 'GET /auth/me']);

    for (let tick = 1; tick <= 25; tick++) view.rerender(tree(tick));
    await settle();
    expect(requests).toHaveLength(2);

    fireEvent.click(screen.getByText('log out'));
    await waitFor(() => expect(statusText()[0]).toBe('unauthenticated:-'));
    for (let tick = 26; tick <= 35; tick++) view.rerender(tree(tick));
    await settle();
    expect(requests.slice(2)).toEqual(['POST /auth/logout']);

    // Logging in needs no /auth/me: the user comes back with the tokens.
    fireEvent.click(screen.getByText('log in'));
    await waitFor(() => expect(statusText()[0]).toBe(`authenticated:${account.email}`));
    for (let tick = 36; tick <= 45; tick++) view.rerender(tree(tick));
    await settle();
    expect(requests.slice(3)).toEqual(['POST /auth/login']);

    // Unmounting and mounting a new provider for the same client does not restore a second time.
    view.unmount();
    render(tree(46));
    await settle();
    expect(requests).toHaveLength(4);
    client.destroy();
  });

  test('a first visit without a stored session becomes unauthenticated without a storm', async () => {
    const { client, requests } = countedClient(server.url);
    const view = render(<AuthProvider client={client}><Status /></AuthProvider>);
    await waitFor(() => expect(statusText()).toEqual(['unauthenticated:-']));
    for (let tick = 0; tick < 20; tick++) view.rerender(<AuthProvider client={client}><Status /><i>{tick}</i></AuthProvider>);
    await settle();
    // Nothing to refresh with: at most one refresh attempt, and never /auth/me.
    expect(requests.filter((r) => r !== 'POST /auth/refresh')).toEqual([]);
    expect(requests.length).toBeLessThanOrEqual(1);
    client.destroy();
  });

  test('hooks outside the provider say so', () => {
    const quiet = console.error;
    console.error = () => {};
    try {
      expect(() => render(<Status />)).toThrow('useAuth() must be used inside <AuthProvider client={…}>.');
    } finally {
      console.error = quiet;
    }
  });
});
