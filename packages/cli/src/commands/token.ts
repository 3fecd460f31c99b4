import { TesseraError } from '@tessera/core';
import type { Command } from '../command.js';
import { requirePositional, UsageError } from '../command.js';
import { withRuntime } from '../runtime.js';

function decodeSegment(segment: string | undefined, what: string): unknown {
  if (segment === undefined) throw new Error(`the token has no ${what}; a JWT is three base64url parts separated by dots`);
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new Error(`the token's ${what} is not base64url-encoded JSON`);
  }
}

function describeTimes(payload: unknown, now: number): string[] {
  if (typeof payload !== 'object' || payload === null) return [];
  const lines: string[] = [];
  for (const claim of ['iat', 'nbf', 'exp'] as const) {
    const value = (payload as Record<string, unknown>)[claim];
    if (typeof value !== 'number') continue;
    const date = new Date(value * 1000).toISOString();
    const relative = claim === 'exp' ? (value * 1000 <= now ? ' (expired)' : ` (in ${Math.round(value - now / 1000)}s)`) : '';
    lines.push(`${claim}: ${date}${relative}`);
  }
  return lines;
}

const NOT_VERIFIED = 'NOT VERIFIED: decoding only shows what the token claims. Run "tessera token verify" to check its signature and claims.';

export const tokenCommand: Command = {
  name: 'token',
  summary: 'decode or verify an access token',
  usage:
    'tessera token decode <jwt> [--json]\ntessera token verify <jwt>\n\n' +
    'decode  prints the header and claims, like the jwt.io debugger. It does NOT verify anything:\n' +
    '        anybody can write any claims into a token they made themselves.\n' +
    'verify  checks the signature and every claim against this server\'s keys and configuration.',
  options: { json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    const action = positionals[0];
    const token = requirePositional(positionals, 1, '<jwt>', tokenCommand);
    if (action === 'decode') {
      const [headerPart, payloadPart] = token.trim().split('.');
      const header = decodeSegment(headerPart, 'header');
      const payload = decodeSegment(payloadPart, 'payload');
      if (values.json) {
        io.out(JSON.stringify({ header, payload, verified: false }, null, 2));
      } else {
        io.out('Header:');
        io.out(JSON.stringify(header, null, 2));
        io.out('Payload (claims):');
        io.out(JSON.stringify(payload, null, 2));
        for (const line of describeTimes(payload, Date.now())) io.out(line);
      }
      // In --json mode stdout stays pure JSON for scripts; the warning still reaches the person on stderr.
      (values.json ? io.err : io.out)(NOT_VERIFIED);
      return 0;
    }
    if (action === 'verify') {
      return withRuntime(io, async ({ auth }) => {
        try {
          const claims = auth.verifyAccessToken(token.trim());
          io.out('Valid: the signature and claims check out against this server\'s keys.');
          io.out(JSON.stringify(claims, null, 2));
          return 0;
        } catch (error) {
          if (!(error instanceof TesseraError)) throw error;
          io.err(`tessera: invalid token (${error.code}): ${error.message}`);
          return 1;
        }
      });
    }
    throw new UsageError(`"token" needs "decode" or "verify" (see "tessera token --help")`);
  },
};
