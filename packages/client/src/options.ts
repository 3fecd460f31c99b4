import { indexedDbDpopKeys, type DpopKeyStore } from './dpop/key-store.js';
import type { AuthClientOptions, TokenStorage } from './types.js';

export interface ResolvedOptions {
  baseUrl: string;
  mode: 'browser' | 'native';
  fetch: typeof fetch;
  storage: TokenStorage;
  clock: () => number;
  refreshLeewayMs: number;
  crossTab: boolean;
  apiOrigins: ReadonlySet<string>;
  /** Where the DPoP key lives; null: sessions stay Bearer. */
  dpopKeys: DpopKeyStore | null;
}

/** Options are checked once, here: a bad base URL fails when the client is created, not on the first request. */
export function resolveOptions(options: AuthClientOptions): ResolvedOptions {
  if (typeof options?.baseUrl !== 'string') throw new TypeError('createAuthClient: baseUrl must be a string ("" for the same origin).');
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  if (baseUrl !== '' && !/^https?:\/\/[^/]/i.test(baseUrl)) {
    throw new TypeError('createAuthClient: baseUrl must be an absolute http(s) URL, or "" for the same origin.');
  }
  const mode = options.mode ?? (typeof globalThis.document === 'undefined' ? 'native' : 'browser');
  if (mode !== 'browser' && mode !== 'native') throw new TypeError('createAuthClient: mode must be "browser" or "native".');
  const fetchFn = options.fetch ?? (typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : undefined);
  if (fetchFn === undefined) throw new TypeError('createAuthClient: no global fetch here; pass options.fetch.');
  const leeway = options.refreshLeewaySeconds ?? 30;
  if (!Number.isFinite(leeway) || leeway < 0) throw new TypeError('createAuthClient: refreshLeewaySeconds must be a number ≥ 0.');
  const hasChannel = typeof globalThis.BroadcastChannel === 'function';
  const dpop = options.dpop;
  if (dpop !== undefined && dpop !== false && (typeof dpop !== 'object' || dpop === null || typeof dpop.keys?.load !== 'function')) {
    throw new TypeError('createAuthClient: dpop must be false or { keys } with a DpopKeyStore (memoryDpopKeys(), indexedDbDpopKeys() or your own).');
  }
  return {
    baseUrl,
    mode,
    fetch: fetchFn,
    storage: options.storage ?? memoryStorage(),
    clock: options.clock ?? Date.now,
    refreshLeewayMs: leeway * 1000,
    crossTab: mode === 'browser' && hasChannel && options.crossTab !== false,
    apiOrigins: new Set((options.apiOrigins ?? defaultApiOrigins(baseUrl)).map(toOrigin)),
    dpopKeys: dpop === false ? null : dpop !== undefined ? dpop.keys : defaultDpopKeys(mode, baseUrl),
  };
}

/**
 * Browsers bind sessions by default: the key goes to IndexedDB, which outlives a reload as the refresh cookie does.
 * Native apps choose where their key lives (it must last as long as the stored refresh token, or the next start's
 * refresh would look like a stolen token): no default.
 */
function defaultDpopKeys(mode: 'browser' | 'native', baseUrl: string): DpopKeyStore | null {
  if (mode !== 'browser' || globalThis.indexedDB === undefined) return null;
  return indexedDbDpopKeys(baseUrl === '' ? (pageOrigin() ?? 'default') : new URL(baseUrl).origin);
}

function defaultApiOrigins(baseUrl: string): string[] {
  if (baseUrl !== '') return [baseUrl];
  const here = pageOrigin();
  return here === null ? [] : [here];
}

function toOrigin(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    throw new TypeError(`createAuthClient: apiOrigins entries must be absolute URLs (got "${String(value).slice(0, 80)}").`);
  }
}

export function pageOrigin(): string | null {
  const origin = globalThis.location?.origin;
  return typeof origin === 'string' && origin !== 'null' ? origin : null;
}

/** Resolves a string the way `client.fetch` does: absolute as is, relative against `baseUrl`. */
export function resolveUrl(baseUrl: string, url: string): string {
  if (/^[a-z][a-z\d+.-]*:/i.test(url) || baseUrl === '') return url;
  return url.startsWith('/') ? `${baseUrl}${url}` : `${baseUrl}/${url}`;
}

/** The origin of an absolute URL, or of a relative one on this page; null when neither applies. */
export function originOf(url: string): string | null {
  try {
    return new URL(url, globalThis.location?.href).origin;
  } catch {
    return null;
  }
}

export function memoryStorage(): TokenStorage {
  const values = new Map<string, string>();
  return {
    get: (key) => values.get(key) ?? null,
    set: (key, value) => {
      values.set(key, value);
    },
    remove: (key) => {
      values.delete(key);
    },
  };
}
