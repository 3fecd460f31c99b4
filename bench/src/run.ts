import { runHttpBench } from './http.js';
import { runVerifyBench } from './verify.js';

// `npm run bench`: every comparison in one run, printed side by side as ratios.
const quick = process.argv.includes('--quick');

console.log('# Access-token verification (ops/s, single thread)\n');
const verifyRows = await runVerifyBench({ durationMs: quick ? 300 : 1000 });
console.table(verifyRows.map((r) => ({ alg: r.alg, subject: r.subject, 'ops/s': Math.round(r.opsPerSec), 'x raw': r.ratioToRaw.toFixed(2) })));

console.log('\n# HTTP on one server (autocannon, 50 connections)\n');
const httpRows = await runHttpBench({ seconds: quick ? 3 : 8 });
console.table(httpRows.map((r) => ({ route: r.route, 'req/s': r.requestsPerSec, 'p99 ms': r.p99Ms, non2xx: r.non2xx, 'x unguarded': r.ratioToUnguarded.toFixed(2) })));
const guarded = httpRows[1]!;
console.log(`\nguarded / unguarded = ${guarded.ratioToUnguarded.toFixed(2)} (target ≥ 0.85)${guarded.non2xx > 0 ? ` — WARNING: ${guarded.non2xx} non-2xx answers` : ''}`);
