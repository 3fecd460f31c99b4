// A browser's cookie handling over the real fetch, for tests that drive the cookie transport over HTTP.

interface StoredCookie {
  value: string;
  path: string;
  httpOnly: boolean;
}

/** One browser's cookies for one origin: enough of RFC 6265 for Tessera's cookies (name, Path, Max-Age, HttpOnly). */
export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const attr = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(`${key.toLowerCase()}=`))?.split('=')[1];
      const cookiePath = attr('Path') ?? '/';
      const maxAge = attr('Max-Age');
      if (maxAge !== undefined && Number(maxAge) <= 0) this.cookies.delete(`${name};${cookiePath}`);
      else this.cookies.set(`${name};${cookiePath}`, { value: pair.slice(index + 1), path: cookiePath, httpOnly: attributes.some((a) => a.toLowerCase() === 'httponly') });
    }
  }

  header(pathname: string): string {
    return this.entries().filter(([, c]) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)).map(([n, c]) => `${n}=${c.value}`).join('; ');
  }

  /** What `document.cookie` shows a page at `/`: no HttpOnly cookies. */
  visible(): string {
    return this.entries().filter(([, c]) => !c.httpOnly && c.path === '/').map(([n, c]) => `${n}=${c.value}`).join('; ');
  }

  names(): string[] {
    return this.entries().map(([name]) => name);
  }

  private entries(): Array<[string, StoredCookie]> {
    return [...this.cookies].map(([key, cookie]) => [key.slice(0, key.indexOf(';')), cookie]);
  }
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  credentials: RequestCredentials | undefined;
  body: string | null;
}

export interface BrowserLikeFetch {
  fetch: typeof fetch;
  log: LoggedRequest[];
  count(path: string, method?: string): number;
}

/**
 * Wraps the real fetch like a browser would: sends the jar's cookies (unless `credentials: 'omit'`), keeps the
 * Set-Cookie answers, and adds `Origin` to non-GET requests. Every request is logged. `beforeReturn` may hold
 * an answer back, to order a race.
 */
export function browserLikeFetch(jar: CookieJar, beforeReturn?: (request: LoggedRequest, response: Response) => Promise<void>): BrowserLikeFetch {
  const log: LoggedRequest[] = [];
  const wrapped = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const isRequest = input instanceof Request;
    const url = new URL(isRequest ? input.url : input instanceof URL ? input.href : input);
    const method = (init?.method ?? (isRequest ? input.method : 'GET')).toUpperCase();
    const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
    const withCookies = init?.credentials !== 'omit';
    const cookie = jar.header(url.pathname);
    if (withCookies && cookie !== '') headers.set('cookie', cookie);
    if (method !== 'GET' && method !== 'HEAD') headers.set('origin', url.origin);
    const response = await fetch(input, { ...init, headers });
    if (withCookies) jar.store(response);
    const entry: LoggedRequest = {
      method, path: url.pathname, status: response.status, headers, credentials: init?.credentials,
      body: typeof init?.body === 'string' ? init.body : null,
    };
    log.push(entry);
    if (beforeReturn) await beforeReturn(entry, response);
    return response;
  };
  return {
    fetch: wrapped as typeof fetch,
    log,
    count: (pathname, method) => log.filter((r) => r.path === pathname && (method === undefined || r.method === method)).length,
  };
}
