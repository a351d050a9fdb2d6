/**
 * `npm run bench:import`: what importing the library entry costs over a bare `node` start
 * (DESIGN.md: at most 50 ms). The entry is the one users get, `import … from 'chainrule'`
 * resolved through package.json's exports (the bundle, dist/bundle/index.js); tsc's unbundled
 * dist/index.js is measured beside it for comparison. Each run is a fresh process, bare and
 * importing runs interleaved so that load from elsewhere falls on all; the medians and their
 * differences are printed, as wall time and as the process's CPU time (user + system, steadier
 * on a busy machine).
 * Usage: node bench/import.mjs [runs] [entry]   (an entry path measures that file alone)
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const runs = Number(process.argv[2] ?? 20);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
// 'chainrule' is imported by name from the repository root (the package resolving itself, as a
// user's `import 'chainrule'` does; bench/ is a package of its own).
const entries = process.argv[3]
  ? { [process.argv[3]]: pathToFileURL(resolve(process.argv[3])).href }
  : { chainrule: 'chainrule', 'dist/index.js': new URL('../dist/index.js', import.meta.url).href };
const CPU = 'const u = process.cpuUsage(); console.log(u.user + u.system);';

/** Wall and CPU milliseconds of one fresh node running `code`. */
function run(code) {
  const start = performance.now();
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  return { wall: performance.now() - start, cpu: Number(out.trim()) / 1000 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const bare = [];
const timed = Object.fromEntries(Object.keys(entries).map((name) => [name, []]));
for (let i = 0; i < runs; i++) {
  bare.push(run(CPU));
  for (const [name, specifier] of Object.entries(entries)) timed[name].push(run(`await import(${JSON.stringify(specifier)}); ${CPU}`));
}
for (const [name, specifier] of Object.entries(entries)) {
  const url = execFileSync(process.execPath, ['--input-type=module', '-e', `console.log(import.meta.resolve(${JSON.stringify(specifier)}))`], { cwd: ROOT, encoding: 'utf8' }).trim();
  console.log(`${name} (${url.slice(url.lastIndexOf('/dist/') + 1)}):`);
  for (const key of ['wall', 'cpu']) {
    const b = median(bare.map((r) => r[key]));
    const l = median(timed[name].map((r) => r[key]));
    console.log(`  ${key.padEnd(4)}: bare node ${b.toFixed(1)} ms, with the import ${l.toFixed(1)} ms (median of ${runs}): the entry costs ${(l - b).toFixed(1)} ms`);
  }
}
