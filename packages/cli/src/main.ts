import { TesseraError } from '@tessera/core';
import { ConfigError } from '@tessera/server';
import { parseCommandArgs, UsageError, type Command, type Io } from './command.js';
import { keysCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { secretCommand } from './commands/secret.js';
import { serveCommand } from './commands/serve.js';
import { sessionsCommand } from './commands/sessions.js';
import { tokenCommand } from './commands/token.js';
import { usersCommand } from './commands/users.js';

export const COMMANDS: readonly Command[] = [serveCommand, secretCommand, keysCommand, tokenCommand, usersCommand, sessionsCommand, migrateCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: tessera <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "tessera <command> --help" for the details of one command.',
  ].join('\n');
}

/** Runs one CLI invocation and resolves to its exit code; every failure is one clear line on stderr. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`tessera: unknown command "${name}" (run "tessera --help" for the list)`);
    return 2;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      io.out(`Usage: ${command.usage}`);
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`tessera ${command.name}: ${error.message}`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof TesseraError) {
      io.err(`tessera: ${error.message}`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`tessera: ${message.split('\n')[0]}`);
    return 1;
  }
}
