import { isIP } from 'node:net';

/**
 * The key a client address is counted under. IPv4 addresses count one by one; IPv6 addresses count by their /64,
 * because one subscriber usually holds a whole /64 and could otherwise step through 2^64 addresses to escape
 * every per-address limit. An unknown address (a bare fetch handler has no socket) is the one key `unknown`, so
 * requests without an address share a limit instead of having none.
 */
export function limitKeyForIp(ip: string | null | undefined): string {
  if (ip === null || ip === undefined || ip === '') return 'unknown';
  const address = ip.split('%')[0]!;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const family = isIP(address);
  if (family === 4) return address;
  if (family === 6) return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
  // Not an address at all (only possible from a trusted proxy's header): counted as the text it is.
  return `other:${address.slice(0, 64)}`;
}

/** The eight 16-bit groups of a valid IPv6 address, lower-case hex without leading zeros. */
function expandIpv6(address: string): string[] {
  let text = address.toLowerCase();
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const middle = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}
