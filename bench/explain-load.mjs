#!/usr/bin/env node
// Load test of POST /explain while /health is polled (npm run load:explain; not part of npm test;
// issue 14 item 3). Makes hr data and a model per --layers (gen-data --schema hr, train --epochs 1)
// in a temporary directory, serves each with the built `chainrule serve --port 0 --quiet` in its
// own process, and runs autocannon (--connections clients, --duration seconds) on /explain with
// one hr row, while a worker thread (its own event loop, so autocannon's work does not delay it)
// GETs /health every --every ms, one at a time. Prints per model: its parameters, the explain
// document's bytes, explain req/s, non-2xx and errors, /health p50/p99/max and how many answered,
// and the server process's peak RSS (Linux VmHWM); first /health alone for 3 s, the machine's own
// latency floor (on a shared machine it moves the figures). Goal: /health p99 < 50 ms, RSS bounded.
// Usage: npm run build && node bench/explain-load.mjs [--layers 128,128 --layers 32,32] [--duration 10] [--connections 16] [--every 20] [--json]
import autocannon from 'autocannon';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execFileSync, spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const { values } = parseArgs({
  options: {
    layers: { type: 'string', multiple: true, default: ['128,128', '32,32'] },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    every: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const every = Number(values.every);
const IDLE_SECONDS = 3;

function chainrule(args) {
  return execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The first data row of the CSV, the model's inputs only, as an explain input (values as text: the server parses them). */
function firstRecord(csv, inputs) {
  const [header, row] = readFileSync(csv, 'utf8').split('\n');
  const names = header.split(',');
  const cells = row.split(',');
  const wanted = new Set(inputs.map((i) => i.name));
  return Object.fromEntries(names.map((n, i) => [n, cells[i]]).filter(([n]) => wanted.has(n)));
}

async function serve(model) {
  const child = spawn(process.execPath, [cli, 'serve', '--model', model, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve printed no URL within 20 s')), 20_000);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (match) { clearTimeout(timer); resolve(match[0]); }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { child, url };
}

/** Peak resident set of a process in MB (Linux; null elsewhere). */
function peakRssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
  } catch {
    return null;
  }
}

// The /health poller: one request at a time, one every `every` ms, latencies back on 'stop'.
const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
const latencies = [];
let failures = 0;
let stop = false;
parentPort.on('message', () => { stop = true; });
(async () => {
  while (!stop) {
    const start = performance.now();
    try {
      const res = await fetch(workerData.url + '/health');
      await res.arrayBuffer();
      if (res.status !== 200) failures++;
    } catch { failures++; }
    const ms = performance.now() - start;
    latencies.push(ms);
    await new Promise((r) => setTimeout(r, Math.max(0, workerData.every - ms)));
  }
  parentPort.postMessage({ latencies, failures });
})();
`;

function quantile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

/** Starts the /health poller; `stop()` resolves to its latency summary. */
function poll(url) {
  const poller = new Worker(POLLER, { eval: true, workerData: { url, every } });
  const polled = new Promise((resolve, reject) => { poller.once('message', resolve); poller.once('error', reject); });
  return {
    async stop() {
      poller.postMessage('stop');
      const { latencies, failures } = await polled;
      await poller.terminate();
      const sorted = [...latencies].sort((a, b) => a - b);
      return { answered: latencies.length, failures, p50ms: quantile(sorted, 0.5), p99ms: quantile(sorted, 0.99), maxms: sorted[sorted.length - 1] };
    },
  };
}

async function run(layers, dir, csv) {
  const model = join(dir, `model-${layers.replace(/,/g, 'x')}.json`);
  chainrule(['train', '--data', csv, '--target', 'is_promoted', '--layers', layers, '--epochs', '1', '--out', model, '--quiet']);
  const file = JSON.parse(readFileSync(model, 'utf8'));
  const parameters = file.layers.reduce((n, l) => n + l.weights.length * (l.weights[0].length + 1), 0);
  const body = JSON.stringify({ input: firstRecord(csv, file.inputs), target: 1 });
  const { child, url } = await serve(model);
  try {
    const one = await fetch(`${url}/explain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const doc = Buffer.from(await one.arrayBuffer());
    if (one.status !== 200) throw new Error(`/explain answered ${one.status}: ${doc.toString().slice(0, 200)}`);
    const truncated = JSON.parse(doc.toString()).truncated === true;
    const idleRss = peakRssMb(child.pid);
    // The machine's own noise first: /health alone for IDLE_SECONDS, then under load.
    const idle = poll(url);
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const quiet = await idle.stop();
    const load = [loadavg()[0]];
    const busy = poll(url);
    const result = await autocannon({
      url: `${url}/explain`, method: 'POST', headers: { 'content-type': 'application/json' }, body,
      connections, duration, timeout: 60,
    });
    const health = await busy.stop();
    load.push(loadavg()[0]);
    return {
      layers, parameters, documentBytes: doc.length, truncated, loadAverage: load,
      explain: { requestsPerSecond: result.requests.average, total: result.requests.total, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, p99ms: result.latency.p99 },
      health, healthIdle: quiet,
      rssMb: { beforeLoad: idleRss, peak: peakRssMb(child.pid) },
    };
  } finally {
    child.kill();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'chainrule-explain-load-'));
try {
  const csv = join(dir, 'hr.csv');
  chainrule(['gen-data', '--schema', 'hr', '--rows', '500', '--seed', '1', '--out', csv]);
  const results = [];
  for (const layers of values.layers) results.push(await run(layers, dir, csv));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ duration, connections, every, results }, null, 2)}\n`);
  } else {
    console.log(`POST /explain, ${connections} clients for ${duration} s; GET /health every ${every} ms from another thread`);
    for (const r of results) {
      const f = (x) => (x === null ? 'n/a' : x.toFixed(1));
      console.log(`${r.layers} (${r.parameters} parameters; document ${r.documentBytes} bytes${r.truncated ? ', truncated' : ''}):`
        + ` explain ${r.explain.requestsPerSecond.toFixed(1)} req/s (${r.explain.total} done, p99 ${r.explain.p99ms} ms, non-2xx ${r.explain.non2xx}, errors ${r.explain.errors}, timeouts ${r.explain.timeouts});`
        + ` /health ${r.health.answered} answered, p50 ${f(r.health.p50ms)} ms, p99 ${f(r.health.p99ms)} ms, max ${f(r.health.maxms)} ms, ${r.health.failures} failed`
        + ` (without load: p50 ${f(r.healthIdle.p50ms)} ms, p99 ${f(r.healthIdle.p99ms)} ms, max ${f(r.healthIdle.maxms)} ms);`
        + ` server RSS ${f(r.rssMb.beforeLoad)} MB before load, peak ${f(r.rssMb.peak)} MB; load average ${r.loadAverage.map((x) => x.toFixed(1)).join(' → ')}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
