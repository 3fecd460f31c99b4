import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { TesseraError } from '@tessera/core';
import { ConfigError } from '../config.js';
import { errorResponse } from '../http/errors.js';
import { METRICS_PATH } from '../metrics/metrics-endpoint.js';

export interface MetricsListener {
  /** Where Prometheus scrapes, such as `http://127.0.0.1:9464/metrics`. */
  url: string;
  close(): Promise<void>;
}

/**
 * The metrics on a listener of their own (TESSERA_METRICS_PORT), usually on loopback or a private interface,
 * so the public port never serves them. It answers GET /metrics and nothing else.
 */
export async function startMetricsListener(port: number, host: string, scrape: (authorization: string | null) => Promise<Response>): Promise<MetricsListener> {
  const server = createAdaptorServer({
    fetch: (request: Request) => {
      const { pathname } = new URL(request.url);
      if (pathname !== METRICS_PATH || (request.method !== 'GET' && request.method !== 'HEAD')) {
        return errorResponse(new TesseraError('not_found', `This listener serves only GET ${METRICS_PATH}.`));
      }
      return scrape(request.headers.get('authorization'));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new ConfigError(`TESSERA_METRICS_PORT=${port} on TESSERA_METRICS_HOST=${host} cannot be listened on (${error.code ?? error.message}); choose a free port and an address of this machine.`));
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${address.port}${METRICS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}
