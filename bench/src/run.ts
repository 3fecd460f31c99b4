import { runGuardBench } from './guard.js';
import { runHttpBench } from './http.js';
import { runRefreshBench } from './refresh.js';
import { runVerifyBench } from './verify.js';

// `npm run bench`: every comparison in one run, printed side by side as ratios. `-- --quick` for a short run;
// `-- --only=verify,http,guard,refresh` to pick sections.
const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((arg) => arg.startsWith('--only='));
const only = new Set(onlyArg ? onlyArg.slice('--only='.length).split(',') : ['verify', 'http', 'guard', 'refresh']);
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
