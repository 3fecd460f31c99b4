import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';

export interface PagesSettings {
  /** TESSERA_DEMO_NUMBER_URL: the service the demo's Get number page calls, given to it through /config.js. */
  numberUrl: string | null;
}

/**
 * Serves a built single-page app from `root`: files as they are, and `index.html` for any other GET without a
 * file extension that is not an API path, so client-side routes survive a reload. With a number service
 * configured, `/config.js` (the app's deployment settings) points the app at it. Undefined when not built.
 */
export function pagesHandler(root: string, settings: PagesSettings = { numberUrl: null }): MiddlewareHandler | undefined {
  const indexFile = path.join(root, 'index.html');
  if (!existsSync(indexFile)) return undefined;
  const files = serveStatic({ root });
  const configScript = settings.numberUrl === null ? null : `window.TESSERA_CONFIG = ${JSON.stringify({ numberUrl: settings.numberUrl })};\n`;
  return async (c, next) => {
    const route = c.req.path;
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || /^\/(auth|api|\.well-known)\//.test(route)) return next();
    if (route === '/config.js' && configScript !== null) {
      return new Response(configScript, { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' } });
    }
    return files(c, async () => {
      if (path.extname(route)) return next();
      c.res = new Response(readFileSync(indexFile), { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' } });
    });
  };
}
