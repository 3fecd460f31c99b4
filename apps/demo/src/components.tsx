import { useId, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { describeError } from './errors.js';

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string };

export function Field({ label, hint, ...input }: FieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint && <small id={`${id}-hint`} className="muted">{hint}</small>}
    </div>
  );
}

export function Alert({ children, kind = 'error' }: { children: ReactNode; kind?: 'error' | 'success' }) {
  if (!children) return null;
  return kind === 'error'
    ? <p className="alert" role="alert" data-testid="error">{children}</p>
    : <p className="notice" role="status" data-testid="notice">{children}</p>;
}

/**
 * Runs an async action for a form: `busy` while it runs, and its failure as a sentence in `error`.
 * Returns whether the action succeeded.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (failure) {
      setError(describeError(failure));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/** Shown when the session could not be restored because the server did not answer. */
export function Unreachable({ error, onRetry }: { error: unknown; onRetry: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const retry = async () => {
    setBusy(true);
    await onRetry();
    setBusy(false);
  };
  return (
    <div className="banner" role="alert" data-testid="restore-error">
      <span>{isNetwork(error) ? "We couldn't reach the server, so we can't tell whether you're logged in." : describeError(error)}</span>
      <button type="button" className="button" disabled={busy} onClick={() => void retry()}>{busy ? 'Trying…' : 'Try again'}</button>
    </div>
  );
}

const isNetwork = (error: unknown) => (error as { code?: unknown } | null)?.code === 'network_error';
