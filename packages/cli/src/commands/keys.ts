import type { Command } from '../command.js';
import { requirePositional, UsageError } from '../command.js';
import { withRuntime } from '../runtime.js';

export const keysCommand: Command = {
  name: 'keys',
  summary: 'list, rotate or revoke the signing keys',
  usage:
    'tessera keys list [--json]\ntessera keys rotate\ntessera keys revoke <kid>\n\n' +
    'list    shows every stored key: which one signs, which are still published for verification.\n' +
    'rotate  starts signing with a new key; the old one stays in the JWKS until every token it signed has expired.\n' +
    'revoke  withdraws a key that leaked, at once: it leaves the store and the JWKS, and every token it signed is\n' +
    '        refused (users refresh and get tokens from the current key). Revoking the signing key rotates first.\n' +
    '        Other servers drop it at their next key reload: at once with Redis, otherwise within 30 s; guards\n' +
    '        at once when they follow the Redis feed, otherwise when they next fetch the JWKS.',
  options: { json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    const action = positionals[0];
    if (action === 'list') {
      return withRuntime(io, async ({ stores, keys, config }) => {
        const now = Date.now();
        const signing = keys.signingKey().kid;
        const rows = (await stores.keys.listKeys()).map((key) => {
          const publishedUntil = key.retiredAt ? key.retiredAt.getTime() + config.accessTtlSeconds * 1000 : null;
          const status = key.kid === signing ? 'signing' : publishedUntil !== null && publishedUntil > now ? 'verifying' : 'expired';
          return { kid: key.kid, alg: key.alg, status, createdAt: key.createdAt.toISOString(), retiredAt: key.retiredAt?.toISOString() ?? null };
        });
        if (!rows.some((row) => row.kid === signing)) {
          rows.unshift({ kid: signing, alg: keys.signingKey().alg, status: 'signing', createdAt: '-', retiredAt: null });
        }
        if (values.json) io.out(JSON.stringify(rows, null, 2));
        else for (const row of rows) io.out(`${row.kid}  ${row.alg}  ${row.status}  created ${row.createdAt}${row.retiredAt ? `  retired ${row.retiredAt}` : ''}`);
        return 0;
      });
    }
    if (action === 'rotate') {
      return withRuntime(io, async ({ auth, keys, announceKeyRotation }) => {
        const previous = keys.signingKey().kid;
        const key = await keys.rotate();
        auth.record({ type: 'key_rotated', kid: key.kid, previousKid: previous });
        await announceKeyRotation?.(key.kid); // with Redis: running servers reload their keys now, not in 30 s
        io.out(`Now signing with ${key.kid} (${key.alg}); ${previous} stays published until its tokens have expired.`);
        return 0;
      });
    }
    if (action === 'revoke') {
      const kid = requirePositional(positionals, 1, '<kid>', keysCommand);
      return withRuntime(io, async ({ auth, keys, announceKeyRotation }) => {
        const { revoked, rotatedTo } = await keys.revoke(kid);
        if (!revoked) {
          io.err(`tessera: no stored key "${kid}" (see "tessera keys list")`);
          return 1;
        }
        auth.record({ type: 'key_revoked', kid, rotatedTo: rotatedTo?.kid ?? null });
        const announced = (await announceKeyRotation?.(keys.signingKey().kid)) === true;
        const signing = rotatedTo === undefined ? '' : ` Now signing with ${rotatedTo.kid}.`;
        const guards = announced ? 'guards that follow the Redis feed refetch the JWKS now, others when they next fetch it' : 'guards when they next fetch the JWKS';
        const others = announced ? 'Running servers reload their keys now' : 'Running servers drop it at their next key reload (within 30 s)';
        io.out(`Revoked ${kid}: tokens it signed are refused from now on.${signing} ${others}; ${guards}.`);
        return 0;
      });
    }
    throw new UsageError(`"keys" needs "list", "rotate" or "revoke" (see "tessera keys --help")`);
  },
};
