import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';

/**
 * Serves a built single-page app from `root`: files as they are, and `index.html` for any other GET without a
 * file extension that is not an API path, so client-side routes survive a reload. Undefined when not built.
 */
export function pagesHandler(root: string): MiddlewareHandler | undefined {
  const indexFile = path.join(root, 'index.html');
  if (!existsSync(indexFile)) return undefined;
  const files = serveStatic({ root });
  return async (c, next) => {
    const route = c.req.path;
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || /^\/(auth|api|\.well-known)\//.test(route)) return next();
    return files(c, async () => {
      if (path.extname(route)) return next();
      c.res = new Response(readFileSync(indexFile), { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' } });
    });
  };
}
