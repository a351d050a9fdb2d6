/**
 * `npm run bench [-- --json] [-- --quick] [-- --rounds N] [-- --only A,C] [-- --no-write]`
 *
 * Trains workloads A, B, C and D (bench/workloads.mjs) with chainrule (also with 2 worker threads),
 * the hand-written yardstick loops, TensorFlow.js (cpu and wasm backends), brain.js, and — when Debian's python3-torch /
 * python3-sklearn are installed — PyTorch and scikit-learn, all on the same seeded data. Every
 * (system, workload) runs in its own process, in rounds whose system order rotates (interleaved),
 * and each figure is the median of the rounds; ratios are computed within this run. Prints a
 * table (or with --json one JSON document on stdout) and rewrites the table section of
 * bench/RESULTS.md (not with --quick or --no-write). Never run in CI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchData } from './data.mjs';
import { plannedEpochs, WORKLOADS } from './workloads.mjs';
import { evaluateGoals, renderGoals, renderTable } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const json = flag('--json');
const quick = flag('--quick');
const rounds = Number(value('--rounds', quick ? '1' : '3'));
const only = value('--only', Object.keys(WORKLOADS).join(',')).split(',').map((s) => s.trim().toUpperCase());
const log = (line) => process.stderr.write(`${line}\n`);

/** The peers live in bench/node_modules, installed from bench's own lockfile on first use. */
function ensurePeers() {
  if (existsSync(join(here, 'node_modules', '@tensorflow', 'tfjs-core'))) return true;
  log('installing the JS peers into bench/node_modules (npm ci --prefix bench)…');
  const r = spawnSync('npm', ['ci', '--prefix', here, '--no-audit', '--no-fund'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return r.status === 0;
}

/** The environment for Python peers: OPENBLAS_* tuning variables removed so numpy picks its own defaults. */
function pythonEnv() {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

function hasPython(module) {
  const r = spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { env: pythonEnv(), stdio: 'ignore' });
  return r.status === 0;
}

function machine() {
  let cpu = 'unknown';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch { /* not Linux */ }
  return { cpus: availableParallelism(), cpu, node: process.version, date: new Date().toISOString() };
}

function runOne(system, workload, dir, epochs) {
  const python = system === 'pytorch' || system === 'scikit-learn';
  const cmd = python ? '/usr/bin/python3' : process.execPath;
  const script = python ? join(here, 'systems', 'peers.py') : join(here, 'child.mjs');
  const r = spawnSync(cmd, [script, system, workload, dir, String(epochs)], {
    env: python ? pythonEnv() : process.env, encoding: 'utf8', maxBuffer: 1 << 20, timeout: 600_000,
  });
  const line = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !line?.startsWith('{')) {
    const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(-3).join(' | ');
    return { system, workload, error: why.slice(0, 300) };
  }
  return JSON.parse(line);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * Whether a system can train a workload as specified: the written-out loop is the 2-2-1 network
 * alone, and brain.js has no softmax output (one activation for every layer, squared error).
 */
function canRun(system, workload) {
  if (system === 'hand loop (written out)') return workload.features === 2 && workload.hidden.join() === '2';
  if (system === 'brain.js') return workload.classes === undefined;
  return true;
}

function main() {
  const peers = ensurePeers();
  const systems = ['chainrule', 'chainrule (2 threads)', 'chainrule (reference loop)', 'hand loop', 'hand loop (written out)'];
  const notes = ['chainrule (2 threads): worker threads split the products of dense layers, so they apply to B; A and C run the 2-2-1 path single-threaded (the same code as chainrule)'];
  if (peers) {
    systems.push('tfjs-cpu', 'tfjs-wasm', 'brain.js');
    if (only.includes('D')) notes.push('brain.js skips D: it has no softmax output (one activation for every layer, squared error)');
  }
  else notes.push('JS peers not installed: `npm ci --prefix bench` failed');
  if (hasPython('torch')) systems.push('pytorch');
  else notes.push('PyTorch skipped: `/usr/bin/python3 -c "import torch"` failed (apt-get install python3-torch)');
  if (hasPython('sklearn')) systems.push('scikit-learn');
  else notes.push('scikit-learn skipped: python3-sklearn not installed');

  const dir = mkdtempSync(join(tmpdir(), 'chainrule-bench-'));
  try {
    writeBenchData(dir);
    const runs = [];
    for (let round = 0; round < rounds; round++) {
      for (const name of only) {
        const workload = WORKLOADS[name];
        const forWorkload = systems.filter((s) => canRun(s, workload));
        // Rotate the order each round so that no system always runs first (or last) on a busy machine.
        const order = forWorkload.map((_, i) => forWorkload[(i + round) % forWorkload.length]);
        for (const system of order) {
          const epochs = plannedEpochs(system, workload, quick);
          const r = runOne(system, name, dir, epochs);
          runs.push(r);
          log(`round ${round + 1}/${rounds} ${name} ${system}: ${r.error ? `failed (${r.error})` : `${Math.round(r.samplesPerSec).toLocaleString('en-US')} samples/s`}`);
        }
      }
    }
    const workloads = only.map((name) => {
      const mine = runs.filter((r) => r.workload === name);
      const names = [...new Set(mine.map((r) => r.system))];
      return {
        name, title: WORKLOADS[name].title,
        results: names.map((system) => {
          const ok = mine.filter((r) => r.system === system && !r.error);
          if (ok.length === 0) return { system, error: mine.find((r) => r.system === system)?.error };
          return {
            system,
            samplesPerSec: median(ok.map((r) => r.samplesPerSec)),
            finalLoss: median(ok.map((r) => r.finalLoss)),
            peakRssMiB: Math.max(...ok.map((r) => r.peakRssMiB)),
            samples: ok[0].samples,
            runs: ok.length,
          };
        }),
      };
    });
    const doc = { machine: machine(), rounds, quick, workloads, goals: evaluateGoals(workloads), notes };
    if (json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    else process.stdout.write(`${renderTable(doc)}\n${renderGoals(doc)}\n`);
    if (!quick && !flag('--no-write') && only.length === Object.keys(WORKLOADS).length) writeResults(doc);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces the generated section of bench/RESULTS.md, keeping the hand-written analysis around it. */
function writeResults(doc) {
  const file = join(here, 'RESULTS.md');
  const start = '<!-- bench:generated:start -->';
  const end = '<!-- bench:generated:end -->';
  const { machine: m } = doc;
  const generated = [
    start,
    `Run of ${m.date.slice(0, 10)} on ${m.cpus} CPUs (${m.cpu}), Node ${m.node}; median of ${doc.rounds} interleaved rounds.`,
    '',
    renderTable(doc),
    '',
    renderGoals(doc),
    ...(doc.notes.length ? ['', ...doc.notes.map((n) => `- ${n}`)] : []),
    end,
  ].join('\n');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmark results\n\n${start}\n${end}\n`;
  const i = old.indexOf(start);
  const j = old.indexOf(end);
  const next = i >= 0 && j > i ? old.slice(0, i) + generated + old.slice(j + end.length) : `${old}\n${generated}\n`;
  writeFileSync(file, next);
  log('wrote bench/RESULTS.md');
}

// Keep the build honest: the bench measures dist/, so it must exist.
if (!existsSync(join(here, '..', 'dist', 'train', 'fit.js'))) {
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit', cwd: join(here, '..') });
}
main();
