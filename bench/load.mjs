#!/usr/bin/env node
// Bounded load test of POST /predict on loopback (npm run load; not part of npm test).
// Starts the built server (`chainrule serve --port 0 --quiet`, its own process so that autocannon
// does not share its event loop) on a free 127.0.0.1 port with the test fixture model, runs
// autocannon for DURATION seconds per case (one row, then 100 rows per request), prints
// requests/s and latency percentiles, and exits 1 on any error, timeout or non-2xx reply.
// Usage: npm run build && node bench/load.mjs [--duration 10] [--connections 10] [--json]
import autocannon from 'autocannon';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    model: { type: 'string', default: join(root, 'test', 'server', 'fixtures', 'promotion-2-2-1.json') },
    json: { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);


/** Rows that exercise every encoder: numeric, numeric as text, categorical, a missing value. */
function rows(n) {
  return Array.from({ length: n }, (_, r) => ({
    years_experience: (r * 7) % 21,
    performance_score: String(40 + ((r * 13) % 61)),
    department: ['Sales', 'HR', null][r % 3],
  }));
}

const server = spawn(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'serve', '--model', values.model, '--port', '0', '--quiet'],
  { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('the server printed no URL within 15 s')), 15_000);
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
    if (match) { clearTimeout(timer); resolve(match[0]); }
  });
  server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited with ${code}`)); });
});

const results = [];
let failed = false;
for (const n of [1, 100]) {
  const body = JSON.stringify({ rows: rows(n) });
  const r = await autocannon({
    url: `${url}/predict`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration,
  });
  const result = {
    rowsPerRequest: n, requests: r.requests.total, requestsPerSecond: r.requests.average, rowsPerSecond: r.requests.average * n,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, connections, durationSeconds: duration,
  };
  if (r.errors || r.timeouts || r.non2xx || r.requests.total === 0) failed = true;
  results.push(result);
  if (!values.json) {
    process.stdout.write(`/predict ${String(n).padStart(3)} row(s): ${result.requestsPerSecond.toFixed(0)} req/s (${result.rowsPerSecond.toFixed(0)} rows/s), `
      + `latency p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms; `
      + `${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx of ${result.requests}\n`);
  }
}
server.removeAllListeners('exit');
server.kill('SIGTERM');
if (values.json) process.stdout.write(`${JSON.stringify({ endpoint: '/predict', host: '127.0.0.1', node: process.version, results }, null, 2)}\n`);
if (failed) {
  process.stderr.write('load: errors, timeouts or non-2xx replies\n');
  process.exitCode = 1;
}
