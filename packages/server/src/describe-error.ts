/**
 * A driver error in a few words for a start-up sentence or a log line: the network code when there is one
 * (ECONNREFUSED), otherwise the server's own sentence (`database "x" does not exist`). Never the URL, which may
 * carry a password.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if (code !== undefined && /^E[A-Z]+$/.test(code)) return code;
  return error.message || code || error.name;
}

/** Where a database URL points, without credentials: `host:port/database`, or the SQLite path. */
export function describeDatabase(url: string): string {
  if (url.startsWith('sqlite:')) return url.slice('sqlite:'.length);
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return '<unparsable URL>';
  }
}
