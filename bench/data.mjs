/**
 * Seeded benchmark data and initial weights, written once per run as raw little-endian Float64
 * files that every system (Node or Python) reads: X [rows × features], Y [rows] (a 0/1 label, or
 * a class index for a data set with `classes`), and per workload the initial parameters
 * [W0, b0, W1, b1, …] from chainrule's own seeded initialiser.
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

/** A segment of a prototype's strokes on the 8×8 grid, from (x0, y0) to (x1, y1). */
function strokes(rng) {
  return Array.from({ length: 3 }, () => [0, 0, 0, 0].map(() => 1 + 5 * rng.next()));
}

/** Distance from (px, py) to the segment s. */
function segmentDistance(px, py, [x0, y0, x1, y1]) {
  const dx = x1 - x0, dy = y1 - y0;
  const t = Math.min(1, Math.max(0, ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - x0 - t * dx, py - y0 - t * dy);
}

/**
 * Digits-like images: each class is three seeded strokes on an 8×8 grid (so classes share pixels,
 * as written digits do); a sample is its class's strokes shifted by up to a pixel each way, drawn
 * with a random intensity and pixel noise, clipped to [0, 1] (scikit-learn's digits are 0–16 per
 * pixel; here already scaled). Classes take turns, so each has rows/classes samples.
 */
export function makeDigits({ rows, features, classes, seed }) {
  const rng = createRng(seed);
  const side = Math.round(Math.sqrt(features));
  const prototypes = Array.from({ length: classes }, () => strokes(rng));
  const X = new Float64Array(rows * features);
  const Y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = i % classes;
    const sx = Math.floor(3 * rng.next()) - 1, sy = Math.floor(3 * rng.next()) - 1;
    const ink = 0.7 + 0.5 * rng.next();
    for (let p = 0; p < features; p++) {
      const px = (p % side) - sx, py = Math.floor(p / side) - sy;
      const d = Math.min(...prototypes[c].map((s) => segmentDistance(px, py, s)));
      const v = ink * Math.max(0, 1 - d / 1.2) + 0.15 * rng.normal();
      X[i * features + p] = Math.min(1, Math.max(0, v));
    }
    Y[i] = c;
  }
  return { X, Y, n: rows, features };
}

/**
 * The initial layers. A multi-class workload's output layer is drawn with the linear (Xavier)
 * initialiser, the one a softmax layer takes, and labelled softmax; the network then trains with
 * cross-entropy.
 */
export function initialLayers(workload) {
  const spec = { inputs: workload.features, hidden: workload.hidden, activation: workload.activation };
  const multi = workload.classes !== undefined;
  const net = createNetwork(multi ? { ...spec, outputs: workload.classes, outputActivation: 'linear', loss: 'mse' } : spec, createRng(1000 + workload.name.charCodeAt(0)));
  const last = net.layers.length - 1;
  return net.layers.map((l, i) => ({
    inputs: l.inputs, units: l.units, activation: multi && i === last ? 'softmax' : l.activation,
    weights: Array.from(l.weights), bias: Array.from(l.bias),
  }));
}

const bytes = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function writeBenchData(dir) {
  mkdirSync(dir, { recursive: true });
  const meta = { datasets: {}, workloads: {} };
  for (const [name, spec] of Object.entries(DATASETS)) {
    const d = spec.classes === undefined ? makeDataset(spec) : makeDigits(spec);
    writeFileSync(join(dir, `${name}.X.f64`), bytes(d.X));
    writeFileSync(join(dir, `${name}.Y.f64`), bytes(d.Y));
    meta.datasets[name] = spec;
  }
  for (const [name, w] of Object.entries(WORKLOADS)) meta.workloads[name] = { ...w, layers: initialLayers(w) };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
  return meta;
}
