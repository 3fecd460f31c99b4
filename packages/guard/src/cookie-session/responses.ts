import { TesseraError } from '@tessera/core/errors';
import { renderError } from '@tessera/core/http';
import { wantsHtml, type PageRequest, type PageResponse } from './page-request.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

/**
 * An error for a page: browsers (Accept: text/html) get a short HTML page with the same status, scripts get the
 * contract's JSON `{error, message}`. Neither carries a stack, a token or anything the request sent.
 */
export function errorResponse(request: PageRequest, error: unknown): PageResponse {
  const parts = renderError(error);
  if (!wantsHtml(request)) return { status: parts.status, headers: parts.headers, body: JSON.stringify(parts.body) };
  const headers: Record<string, string> = { ...parts.headers, 'content-type': 'text/html; charset=utf-8' };
  const title = parts.status === 403 ? 'Request refused' : 'Something went wrong';
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${escapeHtml(parts.body.message)}</p><p data-error="${parts.body.error}"><a href="/">Back to the start page</a></p></body></html>`;
  return { status: parts.status, headers, body };
}

/** No session on a page that needs one: browsers go to the login page (and come back after), scripts get 401. */
export function anonymousResponse(request: PageRequest, loginPath: string): PageResponse {
  if (!wantsHtml(request)) {
    const parts = renderError(new TesseraError('invalid_token', 'This page needs a session; log in first.'));
    return { status: parts.status, headers: parts.headers, body: JSON.stringify(parts.body) };
  }
  // `next` is only ever this site's own path, so the login page can send the user back without an open redirect.
  const location = `${loginPath}?next=${encodeURIComponent(request.path)}`;
  return { status: 303, headers: { location, 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8' }, body: '' };
}

/** The `?next=` a login page may redirect to: a path on this site, else `fallback` (no open redirect). */
export function safeNextPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback;
  return next;
}
