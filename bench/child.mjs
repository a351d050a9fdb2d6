/**
 * Runs one system on one workload in a fresh process (so the JIT, the heap and the peak RSS
 * belong to this run alone) and prints one JSON line:
 *   { system, workload, samples, seconds, samplesPerSec, finalLoss, peakRssMiB }
 * Usage: node bench/child.mjs <system> <workload> <data dir> <epochs>
 * finalLoss is the mean BCE (a multi-class workload: the mean cross-entropy −log p_y) of the
 * trained model's probabilities on the training rows, computed here the same way for every system.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [system, workloadName, dir, epochsArg] = process.argv.slice(2);
const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
const workload = meta.workloads[workloadName];
const spec = meta.datasets[workload.dataset];
const readF64 = (file) => {
  const buf = readFileSync(join(dir, file));
  return new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};
// Below one epoch, train one epoch over the first rows (a fraction of the data set).
const requested = Number(epochsArg);
const rows = requested < 1 ? Math.round(spec.rows * requested) : spec.rows;
const epochs = requested < 1 ? 1 : requested;
const data = {
  X: readF64(`${workload.dataset}.X.f64`).subarray(0, rows * spec.features),
  Y: readF64(`${workload.dataset}.Y.f64`).subarray(0, rows),
  n: rows,
  features: spec.features,
};

async function loadTrainer() {
  switch (system) {
    case 'chainrule': return (await import('./systems/chainrule.mjs')).makeTrainer('fast');
    case 'chainrule (reference loop)': return (await import('./systems/chainrule.mjs')).makeTrainer('reference');
    case 'chainrule (2 threads)': return (await import('./systems/chainrule.mjs')).makeTrainer('fast', 2);
    case 'hand loop': return (await import('./systems/hand.mjs')).generic;
    case 'hand loop (written out)': return (await import('./systems/hand.mjs')).writtenOut;
    case 'tfjs-cpu': return (await import('./systems/tfjs.mjs')).makeTrainer('cpu');
    case 'tfjs-wasm': return (await import('./systems/tfjs.mjs')).makeTrainer('wasm');
    case 'brain.js': return (await import('./systems/brain.mjs')).train;
    default: throw new Error(`unknown system "${system}"`);
  }
}

function meanBce(p, y) {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i], 1e-12), 1 - 1e-12);
    s -= y[i] * Math.log(q) + (1 - y[i]) * Math.log(1 - q);
  }
  return s / y.length;
}

/** −mean log p[row, y] over the rows, p being [rows × classes] row-major. */
function meanCrossEntropy(p, y, classes) {
  let s = 0;
  for (let i = 0; i < y.length; i++) s -= Math.log(Math.max(p[i * classes + y[i]], 1e-12));
  return s / y.length;
}

const trainer = await (await loadTrainer())(workload, data, workload.layers, epochs);
const t0 = process.hrtime.bigint();
await trainer.train();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const samples = epochs * data.n;
const finalLoss = workload.classes === undefined
  ? meanBce(trainer.probabilities(), data.Y)
  : meanCrossEntropy(trainer.probabilities(), data.Y, workload.classes);
process.stdout.write(`${JSON.stringify({
  system, workload: workloadName, samples, seconds, samplesPerSec: samples / seconds, finalLoss,
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
})}\n`);
