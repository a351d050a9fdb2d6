#!/usr/bin/env node
// Bounded load test of POST /predict on loopback (npm run load; not part of npm test).
// Starts two servers, each in its own process so that neither shares an event loop with
// autocannon: the built `chainrule serve --port 0 --quiet` with the test fixture model, and the
// floor (bench/load-floor.mjs: bare fastify, parses the body, answers constant predictions).
// After WARMUP unmeasured seconds against each, each round runs autocannon for DURATION seconds
// on 100-row bodies against both, back to back, the order alternating between rounds (short
// paired slices: other work on a shared machine moves both figures, the ratio less); then once on
// 1-row bodies against chainrule. Prints for each case rows/s, the server process's CPU seconds
// (Linux /proc) as rows per CPU second (throughput follows the scheduler's share on a busy
// machine, CPU per row much less), p50/p99 latency, non-2xx counts and the load average around
// it; per round chainrule ÷ floor; then the medians over the rounds. Exits 1 on any error,
// timeout or non-2xx reply. --floor-schema gives the floor chainrule's reply schema too
// (fast-json-stringify): a stricter floor than the bare one the goal is stated against.
// Usage: npm run build && node bench/load.mjs [--duration 5] [--rounds 5] [--warmup 2] [--connections 8] [--floor-schema] [--cli F] [--json]
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execFileSync, spawn } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    'floor-schema': { type: 'boolean', default: false },
    model: { type: 'string', default: join(root, 'test', 'server', 'fixtures', 'promotion-2-2-1.json') },
    // Another build's dist/cli/main.js (say an older commit's), to compare against the same floor.
    cli: { type: 'string', default: join(root, 'dist', 'cli', 'main.js') },
    json: { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const rounds = Number(values.rounds);
const ROWS = 100;

/** Rows that exercise every encoder: numeric, numeric as text, categorical, a missing value. */
function rows(n) {
  return Array.from({ length: n }, (_, r) => ({
    years_experience: (r * 7) % 21,
    performance_score: String(40 + ((r * 13) % 61)),
    department: ['Sales', 'HR', null][r % 3],
  }));
}

/** Spawns a server that prints its http://127.0.0.1:PORT URL on stdout; resolves to the process and the URL. */
async function start(args) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} printed no URL within 15 s`)), 15_000);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (match) { clearTimeout(timer); resolve(match[0]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${args[0]} exited with ${code}`)); });
  });
  return { child, url };
}

const chainrule = await start([values.cli, 'serve', '--model', values.model, '--port', '0', '--quiet']);
const floor = await start([join(root, 'bench', 'load-floor.mjs'), ...(values['floor-schema'] ? ['--schema'] : [])]);

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds of a process so far (Linux), or NaN where /proc is absent. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // After the command: state is field 3, utime and stime are fields 14 and 15 (proc(5)).
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return Number.NaN;
  }
}

let failed = false;
async function run(server, name, n) {
  const body = JSON.stringify({ rows: rows(n) });
  const loadBefore = loadavg()[0];
  const cpuBefore = cpuSeconds(server.child.pid);
  const r = await autocannon({
    url: `${server.url}/predict`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration,
  });
  const cpu = cpuSeconds(server.child.pid) - cpuBefore;
  // Answered rows (2xx), as autocannon's average counts every reply.
  const rowsPerCpuSecond = (r['2xx'] * n) / cpu;
  const result = {
    server: name, rowsPerRequest: n, requests: r.requests.total, requestsPerSecond: r.requests.average, rowsPerSecond: r.requests.average * n,
    serverCpuSeconds: cpu, rowsPerCpuSecond,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, loadAverage: [loadBefore, loadavg()[0]],
  };
  if (r.errors || r.timeouts || r.non2xx || r.requests.total === 0) failed = true;
  if (!values.json) {
    process.stdout.write(`${name.padEnd(9)} ${String(n).padStart(3)} row(s): ${Math.round(result.rowsPerSecond).toLocaleString('en')} rows/s `
      + `(${result.requestsPerSecond.toFixed(0)} req/s; ${Math.round(rowsPerCpuSecond).toLocaleString('en')} rows per server CPU s), latency p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, `
      + `max ${result.latencyMs.max} ms; ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx of ${result.requests}; `
      + `load average ${result.loadAverage.map((l) => l.toFixed(2)).join(' → ')}\n`);
  }
  return result;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = [];
const summary = [];
try {
  // Unmeasured: both servers' code compiled by the JIT before the first round.
  for (const server of [floor, chainrule]) {
    await autocannon({
      url: `${server.url}/predict`, method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows: rows(ROWS) }), connections, duration: Number(values.warmup),
    });
  }
  for (let round = 0; round < rounds; round++) {
    const pair = round % 2 === 0 ? [[floor, 'floor'], [chainrule, 'chainrule']] : [[chainrule, 'chainrule'], [floor, 'floor']];
    const got = {};
    for (const [server, name] of pair) {
      got[name] = await run(server, name, ROWS);
      results.push(got[name]);
    }
    const ratio = got.chainrule.rowsPerSecond / got.floor.rowsPerSecond;
    const cpuRatio = got.chainrule.rowsPerCpuSecond / got.floor.rowsPerCpuSecond;
    summary.push({
      round: round + 1, ratio, cpuRatio, chainrule: got.chainrule.rowsPerSecond, floor: got.floor.rowsPerSecond,
      p50: got.chainrule.latencyMs.p50, p99: got.chainrule.latencyMs.p99, floorP99: got.floor.latencyMs.p99,
    });
    if (!values.json) {
      process.stdout.write(`round ${round + 1}: chainrule ÷ floor = ${ratio.toFixed(3)} in rows/s, ${cpuRatio.toFixed(3)} in rows per CPU s, at ${ROWS} rows per request\n`);
    }
  }
  results.push(await run(chainrule, 'chainrule', 1));
} finally {
  for (const { child } of [chainrule, floor]) {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
  }
}
const medians = {
  ratio: median(summary.map((s) => s.ratio)),
  cpuRatio: median(summary.map((s) => s.cpuRatio)),
  chainruleRowsPerSecond: median(summary.map((s) => s.chainrule)),
  floorRowsPerSecond: median(summary.map((s) => s.floor)),
  chainruleP50Ms: median(summary.map((s) => s.p50)),
  chainruleP99Ms: median(summary.map((s) => s.p99)),
  floorP99Ms: median(summary.map((s) => s.floorP99)),
  non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
};
if (values.json) {
  process.stdout.write(`${JSON.stringify({ endpoint: '/predict', host: '127.0.0.1', node: process.version, connections, durationSeconds: duration, rounds: summary, medians, results }, null, 2)}\n`);
} else {
  process.stdout.write(`median of ${rounds} rounds: chainrule ${Math.round(medians.chainruleRowsPerSecond).toLocaleString('en')} rows/s, `
    + `floor ${Math.round(medians.floorRowsPerSecond).toLocaleString('en')} rows/s, ratio ${medians.ratio.toFixed(3)} `
    + `(${medians.cpuRatio.toFixed(3)} per CPU s), chainrule p50 ${medians.chainruleP50Ms} ms p99 ${medians.chainruleP99Ms} ms `
    + `(floor p99 ${medians.floorP99Ms} ms), ${medians.non2xx} non-2xx in all\n`);
}
if (failed) {
  process.stderr.write('load: errors, timeouts or non-2xx replies\n');
  process.exitCode = 1;
}
