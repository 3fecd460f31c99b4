/** RFC 3986 §2.3 unreserved characters: a percent-encoding of one of these means the character itself. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * The form in which a proof's `htu` and the request URL are compared (RFC 9449 §4.3 step 9): scheme and host
 * lower-cased, the default port dropped, dot segments resolved (WHATWG URL does these), percent-encodings of
 * unreserved characters decoded and the others upper-cased (RFC 3986 §6.2.2), query and fragment dropped.
 * Undefined for anything that is not an absolute http(s) URL without user info: such an `htu` never matches.
 */
export function normaliseHtu(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.username !== '' || parsed.password !== '') return undefined;
  const path = parsed.pathname.replace(/%([0-9A-Fa-f]{2})/g, (escape: string, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
  return `${parsed.protocol}//${parsed.host}${path}`;
}
