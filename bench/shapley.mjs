/**
 * `npm run bench:shapley [-- --json]`: exact Shapley values against the permutation estimator at
 * equal error. For each case a network is trained (seeded) on synthetic data with interactions,
 * then one prediction is explained against 100 background rows:
 *   - exact: every coalition (the library call, median of 3 runs, wall and CPU time);
 *   - permutations: for each of 3 seeds, the fewest antithetic pairs whose estimate is within
 *     1e-3 of the exact values in every input, and the time of that run (median over seeds);
 *   - 30 inputs: exact is out of reach (2^30 coalitions), so the estimator's own stopping rule
 *     (every standard error ≤ 1e-3) is timed.
 * Needs `npm run build` (the script runs it); takes a few minutes. Never run in CI.
 */
import { binaryHead, inputGroups, shapleyValues } from '../dist/explain/attributions/index.js';
import { createNetwork } from '../dist/math/init.js';
import { optimizerConfig } from '../dist/math/optimizers.js';
import { createRng } from '../dist/math/rng.js';
import { fit } from '../dist/train/fit.js';

const json = process.argv.includes('--json');
const log = (line) => process.stderr.write(`${line}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall and CPU milliseconds of one call. */
function timed(fn) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const result = fn();
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { result, wall, cpu: (used.user + used.system) / 1000 };
}

/** A network of M inputs and hidden [16] trained on y = [x0 + x1·x2 − 0.5·x3 + 0.3·Σ rest + noise > 0]. */
function trainedCase(M, seed) {
  const rng = createRng(seed);
  const n = 2000;
  const X = new Float64Array(n * M);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < M; c++) X[i * M + c] = rng.normal();
    for (let c = 4; c < M; c++) s += 0.3 * X[i * M + c];
    Y[i] = X[i * M] + X[i * M + 1] * X[i * M + 2] - 0.5 * X[i * M + 3] + s + 0.3 * rng.normal() > 0 ? 1 : 0;
  }
  const net = createNetwork({ inputs: M, hidden: [16] }, createRng(seed + 1));
  fit(net, { X, Y, n }, { epochs: 20, batchSize: 64, optimizer: optimizerConfig('adam', 0.02), rng: createRng(seed + 2) });
  const groups = inputGroups(Array.from({ length: M }, (_, c) => ({ name: `x${c}`, kind: 'numeric' })));
  const x = X.slice(0, M);
  const background = X.slice(M, 101 * M);
  return { net, groups, x, background };
}

const maxError = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const PAIRS = [2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096];

function compare(M) {
  const { net, groups, x, background } = trainedCase(M, 100 + M);
  const head = binaryHead();
  const exactRuns = Array.from({ length: 3 }, () => timed(() => shapleyValues(net, head, groups, x, background, 100, { method: 'exact' })));
  const exact = exactRuns[0].result;
  const perSeed = [];
  for (let seed = 1; seed <= 3; seed++) {
    for (const pairs of PAIRS) {
      const run = () => shapleyValues(net, head, groups, x, background, 100, { method: 'permutation', seed, tolerance: 0, minPairs: pairs, maxPairs: pairs });
      const first = timed(run);
      if (maxError(first.result.values, exact.values) > 1e-3) continue;
      const again = [first, timed(run), timed(run)];
      perSeed.push({ seed, pairs, wall: median(again.map((r) => r.wall)), cpu: median(again.map((r) => r.cpu)) });
      break;
    }
  }
  return {
    inputs: M,
    backgroundRows: 100,
    largestValue: Math.max(...Array.from(exact.values, Math.abs)),
    exact: { coalitions: 2 ** M, wallMs: median(exactRuns.map((r) => r.wall)), cpuMs: median(exactRuns.map((r) => r.cpu)), gap: exact.gap },
    permutationWithin1e3: {
      seeds: perSeed,
      pairs: median(perSeed.map((s) => s.pairs)),
      wallMs: median(perSeed.map((s) => s.wall)),
      cpuMs: median(perSeed.map((s) => s.cpu)),
    },
  };
}

function sampled(M) {
  const { net, groups, x, background } = trainedCase(M, 100 + M);
  const runs = Array.from({ length: 3 }, () => timed(() => shapleyValues(net, binaryHead(), groups, x, background, 100, { seed: 1 })));
  const r = runs[0].result;
  return {
    inputs: M, backgroundRows: 100, exact: r.exact, permutations: r.permutations,
    largestStandardError: Math.max(...r.standardError), gap: r.gap,
    wallMs: median(runs.map((q) => q.wall)), cpuMs: median(runs.map((q) => q.cpu)),
  };
}

const results = { compare: [12, 16].map((M) => { log(`${M} inputs…`); return compare(M); }), sampled: (log('30 inputs…'), sampled(30)) };
if (json) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  for (const c of results.compare) {
    const p = c.permutationWithin1e3;
    console.log(`${c.inputs} inputs × ${c.backgroundRows} background rows (largest |φ| ${c.largestValue.toFixed(3)}):`);
    console.log(`  exact, ${c.exact.coalitions} coalitions: ${c.exact.wallMs.toFixed(0)} ms wall, ${c.exact.cpuMs.toFixed(0)} ms CPU, efficiency gap ${c.exact.gap.toExponential(1)}`);
    console.log(`  permutations within 1e-3 of exact: ${p.pairs} antithetic pairs (median of 3 seeds), ${p.wallMs.toFixed(0)} ms wall, ${p.cpuMs.toFixed(0)} ms CPU`);
  }
  const s = results.sampled;
  console.log(`${s.inputs} inputs × ${s.backgroundRows} background rows, estimated: ${s.permutations} permutations, largest standard error ${s.largestStandardError.toExponential(1)}, ${s.wallMs.toFixed(0)} ms wall, ${s.cpuMs.toFixed(0)} ms CPU`);
}
