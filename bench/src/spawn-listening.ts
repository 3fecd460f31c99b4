import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Runs a Node script in its own process (so the load generator never shares its event loop) and resolves with
 * the URL it prints as "listening on <url>"; rejects if it exits first.
 */
export function spawnListening(args: string[], env: NodeJS.ProcessEnv, label: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) resolve({ url: match[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`${label} exited with ${code}`)));
  });
}
