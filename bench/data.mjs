/**
 * Seeded benchmark data and initial weights, written once per run as raw little-endian Float64
 * files that every system (Node or Python) reads: X [rows × features], Y [rows], and per workload
 * the initial parameters [W0, b0, W1, b1, …] from chainrule's own seeded initialiser.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../dist/math/rng.js';
import { createNetwork } from '../dist/math/init.js';
import { DATASETS, WORKLOADS } from './workloads.mjs';

/** Features ~ N(0,1); the label comes from a fixed nonlinear rule with noise, so there is something to learn. */
export function makeDataset({ rows, features, seed }) {
  const rng = createRng(seed);
  const X = new Float64Array(rows * features);
  const Y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < features; j++) {
      const v = rng.normal();
      X[i * features + j] = v;
      s += (j % 2 === 0 ? 1 : -0.7) * v + (j === 0 ? 0.8 * v * v : 0);
    }
    Y[i] = s + 0.5 * rng.normal() > 0.6 ? 1 : 0;
  }
  return { X, Y, n: rows, features };
}

export function initialLayers(workload) {
  const net = createNetwork({ inputs: workload.features, hidden: workload.hidden, activation: workload.activation }, createRng(1000 + workload.name.charCodeAt(0)));
  return net.layers.map((l) => ({ inputs: l.inputs, units: l.units, activation: l.activation, weights: Array.from(l.weights), bias: Array.from(l.bias) }));
}

const bytes = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function writeBenchData(dir) {
  mkdirSync(dir, { recursive: true });
  const meta = { datasets: {}, workloads: {} };
  for (const [name, spec] of Object.entries(DATASETS)) {
    const d = makeDataset(spec);
    writeFileSync(join(dir, `${name}.X.f64`), bytes(d.X));
    writeFileSync(join(dir, `${name}.Y.f64`), bytes(d.Y));
    meta.datasets[name] = spec;
  }
  for (const [name, w] of Object.entries(WORKLOADS)) meta.workloads[name] = { ...w, layers: initialLayers(w) };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
  return meta;
}
