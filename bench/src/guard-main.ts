import { runGuardBench } from './guard.js';

// `node bench/dist/guard-main.js [--seconds=N]`: the guard on each framework vs. its unguarded route and its peers.
const secondsArg = process.argv.find((arg) => arg.startsWith('--seconds='));
const seconds = secondsArg === undefined ? undefined : Number(secondsArg.slice('--seconds='.length));
const rows = await runGuardBench(seconds === undefined ? {} : { seconds });

console.log(`# Guarded routes, ${process.version} (autocannon, 50 connections; each server in its own process)\n`);
console.table(
  rows.map((row) => ({
    framework: row.framework,
    variant: row.variant,
    'req/s': row.requestsPerSec,
    'p99 ms': row.p99Ms,
    'x unguarded': row.ratioToUnguarded.toFixed(2),
    ...(row.non2xx > 0 ? { 'non-2xx': row.non2xx } : {}),
  })),
);
const refused = rows.filter((row) => row.non2xx > 0);
if (refused.length > 0) console.log(`\nWARNING: non-2xx answers from ${refused.map((row) => `${row.framework}/${row.variant}`).join(', ')}`);
