import { bodyParser } from '@koa/bodyparser';
import { safeNextPath, type CookieSessions } from '@tessera/guard/cookie-session';
import { cookieSession, logIn, logOut, requireSession } from '@tessera/guard/koa';
import Koa from 'koa';
import { accountPage, homePage, loginPage } from './pages.js';

/**
 * A server-rendered site on cookie sessions: no script runs in the browser. `cookieSession` verifies (and renews)
 * the session on every request and checks Origin and `_csrf` on every POST; the routes only render.
 */
export function createPagesApp(sessions: CookieSessions): Koa {
  // Per user, in memory: the state change the account page offers (and a forged form must not reach).
  const notes = new Map<string, string[]>();
  const app = new Koa();
  app.use(async (ctx, next) => {
    await next();
    // No script at all, forms only to this origin, never framed.
    ctx.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('cache-control', 'no-store');
  });
  app.use(bodyParser({ enableTypes: ['form'] }));
  app.use(cookieSession(sessions));

  app.use(async (ctx, next) => {
    const form = (ctx.request.body ?? {}) as Record<string, unknown>;
    const signedIn = ctx.state.auth !== undefined;
    if (ctx.method === 'GET' && ctx.path === '/') {
      ctx.body = homePage(signedIn);
    } else if (ctx.method === 'GET' && ctx.path === '/login') {
      const next = safeNextPath(ctx.query.next, '/account');
      if (signedIn) return ctx.redirect(next);
      ctx.body = loginPage({ next });
    } else if (ctx.method === 'POST' && ctx.path === '/login') {
      const next = safeNextPath(form.next, '/account');
      const outcome = await logIn(ctx, sessions, { email: form.email, password: form.password });
      if (outcome.ok) {
        ctx.status = 303;
        ctx.redirect(next);
      } else {
        ctx.status = outcome.error.status;
        ctx.body = loginPage({ next, email: typeof form.email === 'string' ? form.email : '', error: outcome.error.body.message });
      }
    } else if (ctx.method === 'POST' && ctx.path === '/logout') {
      if (await logOut(ctx, sessions)) {
        ctx.status = 303;
        ctx.redirect('/login');
      }
    } else {
      await next();
    }
  });

  app.use(requireSession(sessions));
  app.use(async (ctx) => {
    const auth = ctx.state.auth!;
    if (ctx.method === 'GET' && ctx.path === '/account') {
      ctx.body = accountPage({ userId: auth.sub, sessionId: auth.sid, csrfToken: ctx.state.csrfToken ?? '', notes: notes.get(auth.sub) ?? [] });
    } else if (ctx.method === 'POST' && ctx.path === '/notes') {
      const text = typeof form(ctx).text === 'string' ? String(form(ctx).text).slice(0, 200) : '';
      if (text !== '') notes.set(auth.sub, [...(notes.get(auth.sub) ?? []), text]);
      ctx.status = 303;
      ctx.redirect('/account');
    }
  });
  return app;
}

function form(ctx: Koa.Context): Record<string, unknown> {
  return (ctx.request.body ?? {}) as Record<string, unknown>;
}
