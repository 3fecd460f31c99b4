import type { AddressInfo } from 'node:net';
import { ConfigError } from '@tessera/server';
import { createPagesApp } from './app.js';
import { openTessera } from './tessera.js';

// `node dist/main.js`: the pages and Tessera in one process. Tessera's own variables apply (TESSERA_ACCESS_TTL,
// TESSERA_SECRET, …); this example defaults to PORT=4100 and an in-memory database with one demo account.
const DEMO = { email: 'ann@example.com', password: 'correct horse battery', name: 'Ann' };
const env: Record<string, string | undefined> = { PORT: '4100', TESSERA_DATABASE_URL: 'sqlite::memory:', ...process.env };

const tessera = await openTessera(env).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `Could not start: ${(error as Error).message}`);
  return process.exit(1);
});

// The demo account, created over Tessera's API; its signup session is ended at once.
const signup = await tessera.fetch('http://tessera.internal/auth/signup', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ...DEMO, transport: 'body' }),
});
if (signup.status === 201) {
  const { refreshToken } = (await signup.json()) as { refreshToken: string };
  await tessera.fetch('http://tessera.internal/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
}

const app = createPagesApp(tessera.sessions);
const server = app.listen(Number(env.PORT), env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`koa-ssr listening on http://localhost:${port} (log in as ${DEMO.email} / ${DEMO.password})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeIdleConnections();
    tessera.close().catch((error: unknown) => {
      console.error(`shutdown failed: ${(error as Error).message}`);
      process.exitCode = 1;
    });
  });
}
