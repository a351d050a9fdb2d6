/**
 * `npm run bench:import`: what importing the library entry costs over a bare `node` start
 * (DESIGN.md: at most 50 ms). Each run is a fresh process; the median of N runs of each is
 * printed, and their difference. Usage: node bench/import.mjs [runs] [entry]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const runs = Number(process.argv[2] ?? 20);
const entry = pathToFileURL(fileURLToPath(new URL(process.argv[3] ?? '../dist/index.js', import.meta.url))).href;

function time(args) {
  const start = performance.now();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return performance.now() - start;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const bare = [];
const lib = [];
// Interleaved, so a burst of load from elsewhere falls on both.
for (let i = 0; i < runs; i++) {
  bare.push(time(['--input-type=module', '-e', '0']));
  lib.push(time(['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`]));
}
const b = median(bare);
const l = median(lib);
console.log(`bare node ${b.toFixed(1)} ms, import ${l.toFixed(1)} ms (median of ${runs}): the entry costs ${(l - b).toFixed(1)} ms`);
