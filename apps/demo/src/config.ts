declare global {
  interface Window {
    /** Set by /config.js at deployment; see public/config.js. */
    TESSERA_CONFIG?: { apiBaseUrl?: string };
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
