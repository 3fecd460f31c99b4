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

export function parseCommandArgs(command: Command, argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see "tessera ${command.name} --help")`);
  }
}

export function requirePositional(positionals: string[], index: number, what: string, command: Command): string {
  const value = positionals[index];
  if (value === undefined || value === '') throw new UsageError(`missing ${what} (usage: ${command.usage.split('\n')[0]})`);
  return value;
}
