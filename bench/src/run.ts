import { runDpopBench } from './dpop.js';
import { runGuardBench } from './guard.js';
import { runHttpBench } from './http.js';
import { runLoginStormBench } from './login-storm.js';
import { runPeerCheckBench, runPeerSignInBench } from './peer.js';
import { runRefreshBench } from './refresh.js';
import { runVerifyBench } from './verify.js';

// `npm run bench`: every comparison in one run, printed side by side as ratios. `-- --quick` for a short run;
// `-- --only=verify,http,storm,guard,refresh,peer` to pick sections.
const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((arg) => arg.startsWith('--only='));
const only = new Set(onlyArg ? onlyArg.slice('--only='.length).split(',') : ['verify', 'http', 'storm', 'guard', 'refresh', 'dpop', 'peer']);
console.log(`# Tessera benchmarks — ${process.version}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}\n`);

if (only.has('verify')) {
  console.log('## Access-token verification (ops/s, one thread)\n');
  const rows = await runVerifyBench({ durationMs: quick ? 300 : 750 });
  console.table(rows.map((r) => ({ alg: r.alg, subject: r.subject, 'ops/s': Math.round(r.opsPerSec), 'x raw': r.ratioToRaw.toFixed(2) })));
}

if (only.has('http')) {
  console.log('\n## Auth server: guarded vs unguarded route (autocannon, 50 connections, server in its own process; median of alternating rounds)\n');
  const rows = await runHttpBench(quick ? { seconds: 2, rounds: 3 } : { seconds: 3, rounds: 9 });
  console.table(
    rows.map((r) => ({
      route: r.route,
      'req/s': r.requestsPerSec,
      'p99 ms': r.p99Ms,
      non2xx: r.non2xx,
      'x unguarded': r.ratioToUnguarded.toFixed(2),
      'server µs/req': r.serverCpuUsPerRequest?.toFixed(1) ?? '-',
      'x unguarded (server CPU)': r.cpuRatioToUnguarded?.toFixed(2) ?? '-',
    })),
  );
}

if (only.has('storm')) {
  console.log('\n## Login storm: guarded-route p99 while 16 logins are in flight at all times (target: within 3× of calm)\n');
  const rows = await runLoginStormBench({ seconds: quick ? 3 : 8 });
  console.table(
    rows.map((r) => ({
      'password hashing': r.hashing,
      'calm p99 ms': r.calmP99Ms,
      'storm p99 ms': r.stormP99Ms,
      'x calm': r.p99Ratio.toFixed(1),
      'calm req/s': r.calmRequestsPerSec,
      'storm req/s': r.stormRequestsPerSec,
      'logins/s': r.loginsPerSec.toFixed(1),
      '503/s': r.refusedPerSec.toFixed(1),
      'login p99 ms': Math.round(r.loginP99Ms),
      'queue wait mean ms': r.queueWaitMeanMs?.toFixed(1) ?? '-',
      'queue wait max ms': r.queueWaitMaxMs?.toFixed(0) ?? '-',
    })),
  );
}

if (only.has('guard')) {
  console.log('\n## @tessera/guard on each framework vs its unguarded route and its usual peers\n');
  const rows = await runGuardBench({ seconds: quick ? 2 : 5 });
  console.table(rows.map((r) => ({ framework: r.framework, variant: r.variant, 'req/s': r.requestsPerSec, 'p99 ms': r.p99Ms, 'x unguarded': r.ratioToUnguarded.toFixed(2) })));
}

if (only.has('refresh')) {
  console.log('\n## Refresh throughput through the core, by store and live-session count\n');
  const rows = await runRefreshBench(quick ? { liveSessions: [10_000], durationMs: 1_000 } : {});
  console.table(rows.map((r) => ({ store: r.store, 'live sessions': r.liveSessions, 'refresh/s': Math.round(r.refreshPerSec), 'p99 ms': r.p99Ms })));
}

if (only.has('dpop')) {
  console.log('\n## DPoP (RFC 9449): a bound token with its proof vs a bearer token, at the guard and per refresh (ops/s, one thread)\n');
  const rows = await runDpopBench(quick ? { durationMs: 500, proofs: 3_000 } : { durationMs: 2_000, proofs: 12_000 });
  console.table(rows.map((r) => ({ subject: r.subject, variant: r.variant, 'ops/s': Math.round(r.opsPerSec), 'x Bearer': r.ratioToBearer.toFixed(2) })));
}

if (only.has('peer')) {
  console.log('\n## Tessera vs better-auth: a protected route\'s session check (autocannon, 50 connections, each server in its own process; median of rounds)\n');
  const checks = await runPeerCheckBench(quick ? { seconds: 2, rounds: 3 } : { seconds: 3, rounds: 9 });
  console.table(
    checks.map((r) => ({
      server: r.server,
      'req/s': r.requestsPerSec,
      'p99 ms': r.p99Ms,
      non2xx: r.non2xx,
      'x Tessera': r.ratioToTessera.toFixed(2),
      'server µs/req': r.serverCpuUsPerRequest?.toFixed(1) ?? '-',
      'x Tessera (server CPU)': r.cpuRatioToTessera?.toFixed(2) ?? '-',
    })),
  );
  console.log('\n## Tessera vs better-auth: email and password sign-in, 8 in flight at all times (median of alternating rounds)\n');
  const signIns = await runPeerSignInBench(quick ? { seconds: 3, rounds: 3 } : { seconds: 5, rounds: 5 });
  console.table(
    signIns.map((r) => ({
      server: r.server,
      'password hashing': r.hashing,
      'one check alone ms': r.oneVerifyMs.toFixed(1),
      'logins/s': r.loginsPerSec.toFixed(1),
      'p99 ms': Math.round(r.p99Ms),
      failed: r.failed,
      'x Tessera': r.ratioToTessera.toFixed(2),
    })),
  );
}
