declare global {
  interface Window {
    /** Set by /config.js at deployment; see public/config.js. */
    TESSERA_CONFIG?: { apiBaseUrl?: string; numberUrl?: string };
  }
}

/**
 * Where the auth server is: `window.TESSERA_CONFIG.apiBaseUrl` (from /config.js, set per deployment), else
 * `VITE_TESSERA_API_URL` at build time, else the page's own origin. Deliberately not a query parameter: a
 * link that pointed the login form at somebody else's server would be a phishing kit.
 */
export function apiBaseUrl(): string {
  const configured = window.TESSERA_CONFIG?.apiBaseUrl ?? (import.meta.env.VITE_TESSERA_API_URL as string | undefined);
  return (configured || window.location.origin).replace(/\/+$/, '');
}

/**
 * What the Get number page calls: `window.TESSERA_CONFIG.numberUrl` (from /config.js: `tessera serve` writes it
 * from TESSERA_DEMO_NUMBER_URL), else the auth server's own `/api/number`. Pointing it at another service of
 * yours (for example examples/express-api's `/getnumber`) shows that service accepting the same access token;
 * main.tsx adds its origin to the client's `apiOrigins`, and the service must allow the demo's origin (CORS).
 */
export function numberUrl(): string {
  const configured = window.TESSERA_CONFIG?.numberUrl;
  return configured ? new URL(configured, window.location.href).href : `${apiBaseUrl()}/api/number`;
}
