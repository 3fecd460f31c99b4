import type { TesseraError } from '@tessera/core';

export interface ErrorLogOptions {
  /** Receives each report: one line, or for an internal error that may show its stack, the line and the stack. */
  write: (text: string) => void;
  now?: () => number;
  /** At most one stack trace per this many seconds; every other report is its one line. */
  stackIntervalSeconds?: number;
}

/** Reports one failed request (a 500 or a 503) under the id its response carries in `X-Request-Id`. */
export type ErrorLog = (error: TesseraError, requestId: string) => void;

export const STACK_INTERVAL_SECONDS = 60;
const MAX_CHAIN = 8;
const MAX_MESSAGE = 200;

/**
 * Failed requests as an operator needs them: one line per request with the request id, the status and code, and
 * the chain of causes by name and code, e.g.
 * `[tessera] request 5f0c…: 503 unavailable; cause: TesseraError > BackendUnreachable > Error [ECONNREFUSED] connect ECONNREFUSED 127.0.0.1:5432`.
 * A database that is down answers every request with a 503, and a stack trace per request would bury the log
 * (and cost a write of forty lines each): only an internal error — a bug — gets its stack, and at most one
 * per `stackIntervalSeconds`; the lines in between say the stack was withheld.
 *
 * Messages are written only where they cannot quote request data: a driver's message may (MySQL's
 * "Duplicate entry 'ann@example.test'", a JSON parser's snippet of its input), so errors that carry a driver
 * code show the code alone; Node's system errors (ECONNREFUSED with the address) and uncoded errors (bugs)
 * show their message, cut to one short line.
 */
export function createErrorLog(options: ErrorLogOptions): ErrorLog {
  const now = options.now ?? Date.now;
  const intervalMs = (options.stackIntervalSeconds ?? STACK_INTERVAL_SECONDS) * 1000;
  let lastStackAt = Number.NEGATIVE_INFINITY;
  let withheld = 0;
  return (error, requestId) => {
    const line = `[tessera] request ${requestId}: ${error.status} ${error.code}; cause: ${describeChain(error)}`;
    if (error.code !== 'internal_error') return options.write(line);
    if (now() - lastStackAt < intervalMs) {
      withheld += 1;
      return options.write(`${line} (stack trace withheld: at most one every ${intervalMs / 1000}s)`);
    }
    lastStackAt = now();
    const note = withheld > 0 ? `\n  (${withheld} stack trace${withheld === 1 ? '' : 's'} withheld since the last one)` : '';
    withheld = 0;
    options.write(`${line}\n${stackOf(error)}${note}`);
  };
}

type Inspectable = Error & { code?: unknown; errno?: unknown; syscall?: unknown; sqlState?: unknown };

function chain(error: unknown): Inspectable[] {
  const errors: Inspectable[] = [];
  for (let e = error; e instanceof Error && errors.length < MAX_CHAIN; e = e.cause) errors.push(e as Inspectable);
  return errors;
}

/** `Name [CODE] message` for one error, with the message only where it is safe (see createErrorLog). */
function describe(error: Inspectable): string {
  const code = typeof error.code === 'string' || typeof error.code === 'number' ? ` [${error.code}]` : '';
  const message = safeMessage(error);
  return `${error.name}${code}${message ? ` ${message}` : ''}`;
}

function safeMessage(error: Inspectable): string {
  const systemError = typeof error.syscall === 'string';
  const coded = error.code !== undefined || error.errno !== undefined || error.sqlState !== undefined;
  if (!systemError && (coded || error instanceof SyntaxError || error.name === 'TesseraError')) return '';
  // Control characters (a newline would forge a second log line) become spaces.
  const flat = error.message.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE)}…` : flat;
}

function describeChain(error: TesseraError): string {
  const causes = chain(error).slice(1);
  return causes.length === 0 ? 'none recorded' : causes.map(describe).join(' > ');
}

/** The stack frames of each error in the chain, each headed by its safe description (never the raw message). */
function stackOf(error: TesseraError): string {
  return chain(error)
    .map((e, index) => {
      const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).join('\n');
      return `${index === 0 ? '' : 'caused by: '}${describe(e)}\n${frames}`;
    })
    .join('\n');
}
