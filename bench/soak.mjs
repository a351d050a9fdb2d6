#!/usr/bin/env node
/**
 * Soak test of `chainrule serve` (build first: `npm run build`). Loopback only, bounded in time,
 * stops by itself. For --seconds (default 60) it runs --concurrency (default 16) client loops
 * against one server process, mixing:
 *   valid /predict (1–20 rows, some missing values, unknown categories, ±1e300) and /explain,
 *   invalid requests (malformed JSON, wrong types, unknown columns, wrong content type or method,
 *   2 MiB bodies, unknown paths), and mid-request client disconnects (half a body, then gone;
 *   or a whole request and gone before the answer),
 * while a reloader swaps the served model between two models A and B every ~0.5 s, through
 * POST /admin/reload, SIGHUP, a broken file (must be refused, 409) and a wrong token (401).
 *
 * Checked: every /predict answer equals, bit for bit, what model A or model B gives for those
 * rows, all rows from the same model, and the model just reloaded for requests that began after
 * the reload was acknowledged ("never a wrong model's result"); no 5xx; every status as expected
 * for its kind; the server's RSS (VmRSS sampled each second, VmHWM at the end) under --max-rss-mb
 * (default 256). Prints requests, errors by kind, p50/p99 latency, peak RSS; exits 1 on a failure.
 *
 *   node bench/soak.mjs [--seconds 60] [--concurrency 16] [--max-rss-mb 256] [--json]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel } from '../dist/model/file.js';
import { modelToNetwork } from '../dist/model/convert.js';
import { predictRecords } from '../dist/server/predict.js';
import { createRng } from '../dist/math/rng.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const SECONDS = opt('seconds', 60);
const CONCURRENCY = opt('concurrency', 16);
const MAX_RSS_MB = opt('max-rss-mb', 256);
const JSON_OUT = args.includes('--json');
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const TOKEN = 'soak-token';
const HOST = '127.0.0.1';

// Two models with the same inputs and different answers; /health tells them apart by hidden width.
const inputs = [
  { name: 'years_experience', kind: 'numeric', mean: 7.9, std: 5.1 },
  { name: 'performance_score', kind: 'numeric', mean: 70, std: 15 },
  { name: 'department', kind: 'categorical', categories: ['Sales', 'HR', 'Eng'] },
];
const base = { format: 'chainrule/model', version: 1, inputs, target: { name: 'promoted', positive: '1' }, loss: 'bce', threshold: 0.5 };
const MODELS = {
  A: { ...base, layers: [
    { activation: 'sigmoid', weights: [[1.2, 0.8, 0.1, -0.2, 0.3], [-0.7, 1.5, 0.4, 0.2, -0.1]], bias: [0.1, -0.3] },
    { activation: 'sigmoid', weights: [[2, -1.5]], bias: [0.2] }] },
  B: { ...base, layers: [
    { activation: 'tanh', weights: [[0.3, 0.9, -0.5, 0.1, 0.2], [1.1, -0.4, 0.3, 0.3, 0.3], [-0.6, 0.2, 0.1, -0.8, 0.5]], bias: [0, 0.2, -0.1] },
    { activation: 'sigmoid', weights: [[1, -2, 0.5]], bias: [-0.1] }] },
};
const NETS = { A: modelToNetwork(MODELS.A), B: modelToNetwork(MODELS.B) };
const hiddenUnits = { 2: 'A', 3: 'B' };

const rng = createRng(7);
const pick = (xs) => xs[rng.int(xs.length)];
const percentile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);

const stats = {
  requests: 0, byKind: {}, statuses: {}, failures: {}, latencies: [], reloads: { admin: 0, sighup: 0, broken: 0, unauthorized: 0 },
  disconnects: 0, rss: [],
};
const count = (table, key) => { table[key] = (table[key] ?? 0) + 1; };
const failures = [];
function fail(kind, detail) {
  count(stats.failures, kind);
  if (stats.failures[kind] <= 3) failures.push(`${kind}: ${detail}`);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY + 4 });
let port = 0;

function send(method, path, body, headers = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request({ host: HOST, port, method, path, agent, headers: {
      ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...headers,
    }, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s) => { text += s; }).on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, json, ms: performance.now() - t0 });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 0, error: err.message, ms: performance.now() - t0 }));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

// The reloader's state: which model is served once the latest reload was acknowledged.
let current = 'A';
let reloadSeq = 0;
let reloading = false;

function randomRecord() {
  const r = {};
  if (rng.next() < 0.95) r.years_experience = rng.next() < 0.05 ? pick([1e300, -1e300, 5e-324, null, 'NA']) : Math.round(rng.next() * 200) / 10;
  else r.years_experience = null;
  r.performance_score = rng.next() < 0.05 ? pick([null, '', 1e-310]) : Math.round(400 + rng.next() * 600) / 10;
  r.department = pick(['Sales', 'HR', 'Eng', 'Legal', null]);
  return r;
}

async function validPredict() {
  const rows = Array.from({ length: 1 + rng.int(20) }, randomRecord);
  const seq = reloadSeq;
  const stable = !reloading;
  const expectedModel = current;
  const res = await send('POST', '/predict', { rows });
  record('predict', res, 200);
  if (res.status !== 200) return;
  const got = res.json.predictions.map((p) => p.probability);
  const answers = Object.fromEntries(['A', 'B'].map((k) => [k, predictRecords(MODELS[k], NETS[k], rows).predictions.map((p) => p.probability)]));
  const matches = ['A', 'B'].filter((k) => answers[k].every((p, i) => Object.is(p, got[i])));
  if (matches.length === 0) fail('wrong-model', `rows ${JSON.stringify(rows).slice(0, 80)} got ${got.slice(0, 3)}`);
  else if (stable && seq === reloadSeq && !reloading && !matches.includes(expectedModel)) {
    fail('stale-model', `expected model ${expectedModel} after its reload was acknowledged, got ${matches}`);
  }
}

async function validExplain() {
  const res = await send('POST', '/explain', { input: { years_experience: 5, performance_score: 80, department: 'HR' }, target: 1 });
  record('explain', res, 200);
  if (res.status === 200 && !Number.isFinite(res.json.loss)) fail('explain-not-finite', JSON.stringify(res.json).slice(0, 80));
}

const INVALID = [
  ['malformed-json', () => send('POST', '/predict', '{"rows": [{"years_experience": 5,'), 400],
  ['wrong-type', () => send('POST', '/predict', { rows: [{ years_experience: { a: 1 }, performance_score: 1, department: 'HR' }] }), 400],
  ['not-a-number', () => send('POST', '/predict', { rows: [{ years_experience: 'abc', performance_score: 1, department: 'HR' }] }), 400],
  ['unknown-column', () => send('POST', '/predict', { rows: [{ years_experiense: 5, performance_score: 1, department: 'HR' }] }), 400],
  ['empty-rows', () => send('POST', '/predict', { rows: [] }), 400],
  ['content-type', () => send('POST', '/predict', '<rows/>', { 'content-type': 'application/xml' }), 415],
  ['method', () => send('GET', '/predict'), 405],
  ['unknown-path', () => send('GET', '/nope'), 404],
  ['explain-target', () => send('POST', '/explain', { input: { years_experience: 5, performance_score: 80, department: 'HR' }, target: 7 }), 400],
];

async function invalid() {
  if (rng.next() < 0.02) {
    const res = await send('POST', '/predict', `{"rows": [{"department": "${'x'.repeat(2 * 1024 * 1024)}"}]}`);
    // The server may answer 413 and close before the client has finished writing 2 MiB: the
    // client then sees EPIPE / ECONNRESET instead of reading the 413. Both are the refusal.
    const closedEarly = res.status === 0 && /EPIPE|ECONNRESET/.test(res.error);
    record('too-large', closedEarly ? { ...res, status: 413, json: { error: 'closed early', field: '(body)' } } : res, 413);
    return;
  }
  const [kind, run, expected] = pick(INVALID);
  record(kind, await run(), expected);
}

/** A client that goes away mid-request: half a body then gone, or a whole request and gone before the answer. */
function disconnect() {
  return new Promise((resolve) => {
    const socket = net.connect(port, HOST);
    const whole = rng.next() < 0.5;
    const body = JSON.stringify({ rows: [randomRecord()] });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.on('connect', () => {
      socket.write(`POST /predict HTTP/1.1\r\nHost: ${HOST}\r\nContent-Type: application/json\r\nContent-Length: ${whole ? body.length : 100_000}\r\n\r\n`);
      socket.write(whole ? body : body.slice(0, body.length >> 1));
      setTimeout(() => socket.destroy(), rng.int(20));
    });
    stats.disconnects++;
    count(stats.byKind, 'disconnect');
  });
}

function record(kind, res, expected) {
  stats.requests++;
  count(stats.byKind, kind);
  count(stats.statuses, res.status === 0 ? `error:${res.error}` : String(res.status));
  if (res.status !== 0) stats.latencies.push(res.ms);
  if (res.status >= 500) fail('5xx', `${kind}: ${res.status} ${JSON.stringify(res.json)}`);
  else if (res.status !== expected) fail(`unexpected-status:${kind}`, `expected ${expected}, got ${res.status} ${res.error ?? JSON.stringify(res.json)?.slice(0, 120)}`);
  else if (res.status >= 400 && (typeof res.json?.error !== 'string' || typeof res.json?.field !== 'string')) fail('no-error-field', kind);
}

async function servedModel() {
  const res = await send('GET', '/health');
  return res.status === 200 ? hiddenUnits[res.json.model.layers[0].units] : undefined;
}

async function reloader(modelPath, serverPid, deadline) {
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300 + rng.int(400)));
    if (performance.now() >= deadline) break;
    const next = current === 'A' ? 'B' : 'A';
    const action = pick(['admin', 'admin', 'sighup', 'broken', 'unauthorized']);
    reloading = true;
    reloadSeq++;
    if (action === 'unauthorized') {
      record('reload-unauthorized', await send('POST', '/admin/reload', undefined, { authorization: 'Bearer wrong' }), 401);
      stats.reloads.unauthorized++;
    } else if (action === 'broken') {
      writeFileSync(modelPath, '{"format": "chainrule/model", "version": 1, "inputs": [{"name": "x"'); // plain write: torn on purpose
      record('reload-broken', await send('POST', '/admin/reload', undefined, { authorization: `Bearer ${TOKEN}` }), 409);
      saveModel(modelPath, MODELS[current]); // put the served model back on disk
      stats.reloads.broken++;
    } else {
      saveModel(modelPath, MODELS[next]);
      if (action === 'admin') {
        const res = await send('POST', '/admin/reload', undefined, { authorization: `Bearer ${TOKEN}` });
        record('reload-admin', res, 200);
      } else {
        process.kill(serverPid, 'SIGHUP');
        let seen;
        for (let i = 0; i < 100 && seen !== next; i++) {
          await new Promise((r) => setTimeout(r, 10));
          seen = await servedModel();
        }
        if (seen !== next) fail('sighup-not-applied', `still ${seen} after 1 s`);
      }
      stats.reloads[action]++;
      current = next;
    }
    reloadSeq++;
    reloading = false;
  }
}

function rssMb(pid, field) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-soak-'));
  const modelPath = join(dir, 'model.json');
  saveModel(modelPath, MODELS.A);
  const server = spawn(process.execPath, [CLI, 'serve', '--model', modelPath, '--host', HOST, '--port', '0', '--quiet', '--admin-token', TOKEN],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let serverErr = '';
  server.stderr.setEncoding('utf8').on('data', (s) => { serverErr += s; });
  const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
  port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 20 s: ${serverErr}`)), 20_000);
    server.stdout.setEncoding('utf8').on('data', (s) => {
      out += s;
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
  });

  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  const sampler = setInterval(() => { try { stats.rss.push(rssMb(server.pid, 'VmRSS')); } catch { /* gone */ } }, 1000);
  const client = async () => {
    while (performance.now() < deadline) {
      const u = rng.next();
      if (u < 0.45) await validPredict();
      else if (u < 0.5) await validExplain();
      else if (u < 0.8) await invalid();
      else if (u < 0.9) await disconnect();
      else record('health', await send('GET', '/health'), 200);
    }
  };
  await Promise.all([reloader(modelPath, server.pid, deadline), ...Array.from({ length: CONCURRENCY }, client)]);
  clearInterval(sampler);
  const elapsed = (performance.now() - t0) / 1000;
  const alive = await send('GET', '/health');
  if (alive.status !== 200) fail('server-down', `GET /health after the run: ${alive.status} ${alive.error ?? ''}`);
  const peakRss = rssMb(server.pid, 'VmHWM');
  const lastRss = rssMb(server.pid, 'VmRSS');
  server.kill('SIGTERM');
  const end = await exited;
  if (end.code !== 0) fail('server-exit', `exit ${end.code} ${end.signal ?? ''} ${serverErr.slice(-300)}`);
  if (peakRss > MAX_RSS_MB) fail('memory', `peak RSS ${peakRss.toFixed(1)} MB over the bound ${MAX_RSS_MB} MB`);
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });

  const sorted = stats.latencies.sort((a, b) => a - b);
  const early = stats.rss.slice(1, Math.max(2, Math.ceil(stats.rss.length / 4)));
  const report = {
    seconds: Math.round(elapsed * 10) / 10, concurrency: CONCURRENCY, requests: stats.requests,
    requestsPerSecond: Math.round(stats.requests / elapsed), disconnects: stats.disconnects,
    byKind: stats.byKind, statuses: stats.statuses, reloads: stats.reloads,
    latencyMs: { p50: +percentile(sorted, 0.5).toFixed(2), p99: +percentile(sorted, 0.99).toFixed(2), max: +(sorted.at(-1) ?? NaN).toFixed(2) },
    rssMb: { early: +Math.max(...early).toFixed(1), last: +lastRss.toFixed(1), peak: +peakRss.toFixed(1), bound: MAX_RSS_MB },
    failures: stats.failures, failureSamples: failures,
  };
  if (JSON_OUT) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(`soak: ${report.seconds} s, ${CONCURRENCY} clients, ${report.requests} requests (${report.requestsPerSecond}/s) + ${report.disconnects} disconnects\n`
      + `statuses ${JSON.stringify(report.statuses)}\nreloads ${JSON.stringify(report.reloads)}\n`
      + `latency p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms\n`
      + `server RSS: early ${report.rssMb.early} MB, last ${report.rssMb.last} MB, peak ${report.rssMb.peak} MB (bound ${MAX_RSS_MB} MB)\n`
      + `failures ${JSON.stringify(report.failures)}\n${failures.join('\n')}\n`);
  }
  process.exitCode = Object.keys(stats.failures).length ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`soak: ${err.stack ?? err}\n`);
  process.exitCode = 1;
});
