import { configurePasswordWork, defaultPasswordWorkLimits, passwordWorkStats } from '@tessera/core';
import { demoApi } from '@tessera/demo-api';
import { loadConfig, startServer } from '@tessera/server';

// The auth server for the login-storm bench, in its own process: `node storm-server.js bounded|unbounded`.
// `unbounded` lifts the password-work limits, to show what the bound buys. SIGUSR2 prints the queue's
// statistics as one `stats {json}` line on standard output.

const mode = process.argv[2];
if (mode === 'unbounded') configurePasswordWork({ concurrency: 1_000, maxWaiting: 1_000 });
else configurePasswordWork(defaultPasswordWorkLimits());

const config = loadConfig(process.env, process.cwd());
const server = await startServer(config, { log: () => {}, onEvent: () => {}, demoApi });
process.on('SIGUSR2', () => console.log(`stats ${JSON.stringify(passwordWorkStats())}`));
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
console.log(`listening on ${server.url}`);
