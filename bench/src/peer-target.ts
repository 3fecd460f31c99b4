import { startPeerApp, type PeerSession } from './peer-app.js';

// The peer bench target in its own process: `node peer-target.js database|cookie-cache`; prints its URL.
// Environment: BETTER_AUTH_SECRET (the bench passes a fresh random one).

const session = process.argv[2] as PeerSession;
if (session !== 'database' && session !== 'cookie-cache') {
  console.error('usage: peer-target <database|cookie-cache>');
  process.exit(1);
}
const secret = process.env['BETTER_AUTH_SECRET'];
if (secret === undefined) {
  console.error('BETTER_AUTH_SECRET is not set: pass a random secret of at least 32 characters.');
  process.exit(1);
}
const app = await startPeerApp({ session, secret });
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
console.log(`listening on ${app.url}`);
