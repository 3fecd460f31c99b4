import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A CLI command: its usage text, its flags, and what it does. Output goes through `io` so tests can capture it. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options?: ParseArgsConfig['options'];
  run(args: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }, io: Io): Promise<number>;
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Reads all of standard input (for passwords, never taken from argv in scripts that log). */
  readStdin(): Promise<string>;
}

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Marks an argument as not-an-option; NUL can never occur in a real argument, so nothing else carries it. */
const LITERAL = '\0';

export function parseCommandArgs(command: Command, argv: string[]): Parameters<Command['run']>[0] {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' }, ...command.options };
  const shortWithValue = new Set(Object.values(options).flatMap((option) => (option.type === 'string' && option.short ? [option.short] : [])));
  // Key ids and session ids are base64url, so one in 32 starts with "-": `keys revoke -Xc4…` must revoke that key,
  // not fail on an unknown option "-X". A single-dash word longer than a short flag is read as a value, unless it
  // is a short option given with its value attached ("-p3000").
  const idLike = (arg: string) => arg.length > 2 && arg[0] === '-' && arg[1] !== '-' && !shortWithValue.has(arg[1] as string);
  let parsed;
  try {
    parsed = parseArgs({ args: argv.map((arg) => (idLike(arg) ? LITERAL + arg : arg)), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see "tessera ${command.name} --help")`);
  }
  const literal = <T,>(value: T): T => (typeof value === 'string' && value.startsWith(LITERAL) ? (value.slice(1) as T) : value);
  const values = Object.fromEntries(Object.entries(parsed.values).map(([name, value]) => [name, Array.isArray(value) ? value.map(literal) : literal(value)]));
  return { values: values as Parameters<Command['run']>[0]['values'], positionals: parsed.positionals.map(literal) };
}

export function requirePositional(positionals: string[], index: number, what: string, command: Command): string {
  const value = positionals[index];
  if (value === undefined || value === '') throw new UsageError(`missing ${what} (usage: ${command.usage.split('\n')[0]})`);
  return value;
}
