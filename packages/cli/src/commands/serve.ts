import { fileURLToPath } from 'node:url';
import { demoApi } from '@tessera/demo-api';
import { createAuditLog, loadConfig, startServer } from '@tessera/server';
import type { Command } from '../command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'start the auth server',
  usage: 'tessera serve [--port N] [--host ADDRESS]\n\nConfigured by the environment (PORT, HOST, TESSERA_*); the flags override PORT and HOST.\nStops cleanly on Ctrl-C or SIGTERM.',
  options: { port: { type: 'string', short: 'p' }, host: { type: 'string' } },
  async run({ values }, io) {
    const env = { ...io.env };
    if (typeof values.port === 'string') env.PORT = values.port;
    if (typeof values.host === 'string') env.HOST = values.host;
    const config = loadConfig(env, io.cwd);
    // The demo (TESSERA_DEMO=on): its API, and its pages' build when this runs from the repository (npm start builds it first).
    const pagesDir = fileURLToPath(new URL('../../../../apps/demo/dist', import.meta.url));
    // Audit events: one JSON line each on standard output (TESSERA_LOG_LEVEL=warn keeps only the alarming ones).
    const onEvent = createAuditLog({ level: config.logLevel, destination: { write: (line: string) => io.out(line.replace(/\n$/, '')) } });
    const server = await startServer(config, { log: io.err, pagesDir, demoApi, onEvent });
    io.out(`Tessera is listening on ${server.url}`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        io.err(`[tessera] ${signal} received, shutting down`);
        server.close().then(resolve, resolve);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
};
