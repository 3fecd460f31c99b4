import { loadConfig, openRuntime, type Runtime } from '@tessera/server';
import type { Io } from './command.js';

/** Opens the same runtime the server uses (config, secret, stores, keys), runs `task`, and always closes it. */
export async function withRuntime<T>(io: Io, task: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(loadConfig(io.env, io.cwd));
  try {
    return await task(runtime);
  } finally {
    await runtime.close();
  }
}
