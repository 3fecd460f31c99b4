import { runVerifyBench } from './verify.js';

// `node bench/dist/verify-main.js [--duration=ms]`: access-token verification throughput, single thread.
const durationArg = process.argv.find((arg) => arg.startsWith('--duration='));
const durationMs = durationArg === undefined ? undefined : Number(durationArg.slice('--duration='.length));
const rows = await runVerifyBench(durationMs === undefined ? {} : { durationMs });

console.log(`# Access-token verification, ${process.version}, one thread (ops/s; "x raw" = vs raw node:crypto of the same alg)\n`);
console.table(rows.map((row) => ({ alg: row.alg, subject: row.subject, 'ops/s': Math.round(row.opsPerSec), 'x raw': row.ratioToRaw.toFixed(2) })));
console.log('\ncache hit vs raw HS256 (HMAC-SHA256 verification of the same kind of token):');
for (const row of rows) {
  if (row.ratioToRawHs256 !== undefined) console.log(`  ${row.alg.padEnd(6)} ${Math.round(row.opsPerSec).toString().padStart(10)} ops/s = ${row.ratioToRawHs256.toFixed(2)} x raw HS256`);
}
