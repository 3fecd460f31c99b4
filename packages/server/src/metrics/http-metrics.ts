import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

export type RequestObserver = (method: string, route: string, status: number, seconds: number) => void;

/** Methods outside this set are counted as `OTHER`: a client must not be able to mint label values. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Times every request and reports it by route TEMPLATE (`/auth/sessions/:id`), never the raw path: a path holds
 * ids, and one series per id would let any client grow the scrape without bound.
 */
export function httpMetrics(observe: RequestObserver): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    observe(METHODS.has(c.req.method) ? c.req.method : 'OTHER', routeLabel(c), c.res.status, (performance.now() - started) / 1000);
  };
}

/**
 * The template of the route that answered. When no route matched, the one answering is a catch-all (the 404):
 * `unmatched`. A middleware that answered (a CORS preflight, a header limit, the demo's pages) keeps its own
 * wildcard template (`/auth/*`, `/*`): still a closed set, never the path.
 */
function routeLabel(c: Context): string {
  const template = routePath(c);
  return c.res.status === 404 && template.endsWith('*') ? 'unmatched' : template;
}
