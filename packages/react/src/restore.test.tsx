import { closeDom } from '../test/dom.js';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { AuthProvider, RequireAuth, useAuth, useRestore } from './index.js';
import { countedClient } from '../test/helpers.js';

afterEach(() => cleanup());
afterAll(async () => {
  await closeDom();
});

function RestoreState() {
  const { status } = useAuth();
  const { error, retry } = useRestore();
  const code = (error as { code?: string } | null)?.code ?? 'none';
  return (
    <>
      <p data-testid="restore">{`${status}:${code}`}</p>
      <button onClick={() => void retry()}>retry</button>
    </>
  );
}

describe('useRestore', () => {
  test('an unreachable server leaves the status unknown and says why; retry sends one more refresh', async () => {
    const { client, requests, storage } = countedClient('http://127.0.0.1:1');
    await storage.set('tessera.refreshToken', 'abc.def');
    const errors: unknown[] = [];
    render(
      <AuthProvider client={client} onRestoreError={(error) => errors.push(error)}>
        <RestoreState />
        <RequireAuth loading={<p>restoring</p>} fallback={<p>log in</p>}>secret</RequireAuth>
      </AuthProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('restore').textContent).toBe('unknown:network_error'));
    expect(errors).toHaveLength(1);
    expect(requests).toEqual(['POST /auth/refresh']);
    // Still unknown: RequireAuth shows neither the protected content nor the fallback.
    screen.getByText('restoring');
    fireEvent.click(screen.getByText('retry'));
    await waitFor(() => expect(errors).toHaveLength(2));
    expect(requests).toEqual(['POST /auth/refresh', 'POST /auth/refresh']);
    client.destroy();
  });
});
