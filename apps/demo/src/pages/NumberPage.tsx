import { useState } from 'react';
import { useAuthClient } from '@tessera/react';
import { Alert } from '../components.js';
import { numberUrl } from '../config.js';
import { describeError, responseError } from '../errors.js';

export function NumberPage() {
  const client = useAuthClient();
  const [number, setNumber] = useState<number | null>(null);
  const [received, setReceived] = useState(0);
  const [pending, setPending] = useState(0);
  const [error, setError] = useState<string | null>(null);

  // Not disabled while a request runs: quick repeated presses are allowed, and every one must succeed —
  // if the access token has expired, the client refreshes it once for all of them.
  const getNumber = async () => {
    setPending((n) => n + 1);
    setError(null);
    try {
      const response = await client.fetch(numberUrl());
      if (!response.ok) throw await responseError(response);
      const body = (await response.json()) as { number: number };
      setNumber(body.number);
      setReceived((n) => n + 1);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setPending((n) => n - 1);
    }
  };

  return (
    <section className="card">
      <h1>Get number</h1>
      <p className="muted">
        Asks the protected API for a number from 1 to 10 with your access token. Access tokens are short-lived; when
        one has expired it is renewed in the background and you never notice.
      </p>
      <div className="number-box" aria-live="polite">
        <output data-testid="number" className={number === null ? 'number empty' : 'number'}>{number ?? '–'}</output>
        <span className="muted" data-testid="number-count">
          {received === 0 ? 'No numbers yet' : `${received} ${received === 1 ? 'number' : 'numbers'} received`}
          {pending > 0 ? ` · ${pending} on the way` : ''}
        </span>
      </div>
      <Alert>{error}</Alert>
      <button type="button" className="button-primary wide" onClick={() => void getNumber()}>Get number</button>
    </section>
  );
}
