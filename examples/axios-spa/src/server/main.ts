import { fileURLToPath } from 'node:url';
import { demoApi } from '@tessera/demo-api';
import { ConfigError, loadConfig, startServer } from '@tessera/server';

/**
 * The Tessera auth server, configured by the environment like `tessera serve` (PORT, TESSERA_*), serving this
 * example's built page on its own origin: the page, the API it calls with axios (/api/number, /auth/me) and the
 * refresh cookie (Path=/auth) share one origin, so the browser sends the cookie to /auth/refresh and no CORS is
 * involved.
 */
const pagesDir = fileURLToPath(new URL('../dist', import.meta.url));

try {
  const config = loadConfig(process.env, process.cwd());
  const server = await startServer(config, { pagesDir, demoApi });
  console.log(`Tessera is listening on ${server.url} (with the axios example's page)`);
  const stop = () => {
    server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  // A misconfiguration is one sentence naming the variable, never a stack trace.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
