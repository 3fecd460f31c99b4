import { createAuditLog, loadConfig, openRuntime, type Runtime } from '@tessera/server';
import type { Io } from './command.js';

/**
 * Opens the same runtime the server uses (config, secret, stores, keys), runs `task`, and always closes it. The
 * audit events of what the command does (an operator's actions: users create, sessions revoke, keys rotate and
 * revoke) go to standard error as the server's JSON lines, so standard output stays the command's own answer.
 */
export async function withRuntime<T>(io: Io, task: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env, io.cwd);
  const onEvent = createAuditLog({ level: config.logLevel, destination: { write: (line: string) => io.err(line.replace(/\n$/, '')) } });
  const runtime = await openRuntime(config, { onEvent });
  try {
    return await task(runtime);
  } finally {
    await runtime.close();
  }
}
