/**
 * `npm run bench:import`: what importing the library entry costs over a bare `node` start
 * (DESIGN.md: at most 50 ms). Each run is a fresh process, bare and importing runs interleaved so
 * that load from elsewhere falls on both; the medians and their difference are printed, as wall
 * time and as the process's CPU time (user + system, steadier on a busy machine).
 * Usage: node bench/import.mjs [runs] [entry]
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const runs = Number(process.argv[2] ?? 20);
const entry = pathToFileURL(resolve(process.argv[3] ?? new URL('../dist/index.js', import.meta.url).pathname)).href;
const CPU = 'const u = process.cpuUsage(); console.log(u.user + u.system);';

/** Wall and CPU milliseconds of one fresh node running `code`. */
function run(code) {
  const start = performance.now();
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  return { wall: performance.now() - start, cpu: Number(out.trim()) / 1000 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const bare = [];
const lib = [];
for (let i = 0; i < runs; i++) {
  bare.push(run(CPU));
  lib.push(run(`await import(${JSON.stringify(entry)}); ${CPU}`));
}
for (const key of ['wall', 'cpu']) {
  const b = median(bare.map((r) => r[key]));
  const l = median(lib.map((r) => r[key]));
  console.log(`${key.padEnd(4)}: bare node ${b.toFixed(1)} ms, with the import ${l.toFixed(1)} ms (median of ${runs}): the entry costs ${(l - b).toFixed(1)} ms`);
}
