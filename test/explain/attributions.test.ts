/**
 * Shapley values and integrated gradients against references written plainly here: a scalar
 * forward pass per row (nested arrays, Math.exp), Shapley by looping over every subset with the
 * factorial weights, IG by Simpson's rule over central finite differences of that forward pass.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActivationName } from '../../src/math/activations.js';
import type { Network } from '../../src/math/network.js';
import type { ModelInput } from '../../src/model/schema.js';
import {
  binaryHead, gaussLegendre, inputGroups, integratedGradients, shapleyValues, valueHead,
} from '../../src/explain/attributions/index.js';
import { layer } from './networks.js';

interface PlainLayer { activation: ActivationName; weights: number[][]; bias: number[] }

function act(name: ActivationName, z: number): number {
  switch (name) {
    case 'sigmoid': return 1 / (1 + Math.exp(-z));
    case 'tanh': return Math.tanh(z);
    case 'relu': return Math.max(0, z);
    case 'linear': return z;
    case 'leaky_relu': return Math.max(z, 0.01 * z);
    case 'softplus': return Math.log1p(Math.exp(z));
    default: throw new Error(`the plain oracle has no ${name}`);
  }
}

/** One row through the layers, one scalar at a time. */
function plainForward(layers: readonly PlainLayer[], x: readonly number[]): number {
  let a = [...x];
  for (const l of layers) a = l.weights.map((row, j) => act(l.activation, row.reduce((s, w, i) => s + w * a[i], l.bias[j])));
  return a[0];
}

function toNetwork(layers: readonly PlainLayer[]): Network {
  const outAct = layers[layers.length - 1].activation;
  return { loss: outAct === 'sigmoid' ? 'bce' : 'mse', layers: layers.map((l) => layer(l.activation, l.weights, l.bias)) };
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

/** Model inputs of the given column widths (1: numeric, more: categorical with that many levels). */
function inputsOf(widths: readonly number[]): ModelInput[] {
  return widths.map((w, i) => (w === 1
    ? { name: `x${i}`, kind: 'numeric' as const }
    : { name: `c${i}`, kind: 'categorical' as const, categories: Array.from({ length: w }, (_, j) => `L${j}`) }));
}

/** Brute-force Shapley: for every input i and every subset S of the others, one forward pass per background row. */
function bruteShapley(layers: PlainLayer[], widths: number[], x: number[], background: number[][]): number[] {
  const M = widths.length;
  const starts = widths.map((_w, g) => widths.slice(0, g).reduce((a, b) => a + b, 0));
  const v = (inS: (g: number) => boolean): number => {
    let total = 0;
    for (const b of background) {
      const row = b.slice();
      for (let g = 0; g < M; g++) if (inS(g)) for (let c = 0; c < widths[g]; c++) row[starts[g] + c] = x[starts[g] + c];
      total += plainForward(layers, row);
    }
    return total / background.length;
  };
  const phi: number[] = [];
  for (let i = 0; i < M; i++) {
    const others = Array.from({ length: M }, (_, g) => g).filter((g) => g !== i);
    let s = 0;
    for (let bits = 0; bits < 2 ** others.length; bits++) {
      const S = new Set(others.filter((_g, j) => bits & (1 << j)));
      const weight = (factorial(S.size) * factorial(M - S.size - 1)) / factorial(M);
      s += weight * (v((g) => S.has(g) || g === i) - v((g) => S.has(g)));
    }
    phi.push(s);
  }
  return phi;
}

const activation = fc.constantFrom<ActivationName>('sigmoid', 'tanh', 'relu', 'linear');

/** A random case: input widths (some categorical), hidden layers, weights, x and background rows. */
const arbCase = fc.record({
  widths: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 6 }),
  hidden: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 2 }),
  acts: fc.array(activation, { minLength: 2, maxLength: 2 }),
  nb: fc.integer({ min: 1, max: 4 }),
  values: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 300, maxLength: 300 }),
}).map(({ widths, hidden, acts, nb, values }) => {
  let k = 0;
  const next = () => values[k++ % values.length];
  const width = widths.reduce((a, b) => a + b, 0);
  const sizes = [width, ...hidden, 1];
  const layers: PlainLayer[] = sizes.slice(1).map((units, l) => ({
    activation: l === sizes.length - 2 ? 'sigmoid' : acts[l],
    weights: Array.from({ length: units }, () => Array.from({ length: sizes[l] }, next)),
    bias: Array.from({ length: units }, next),
  }));
  // A categorical input's columns are one-hot (or all zero, an unknown category).
  const row = () => widths.flatMap((w) => (w === 1 ? [2 * next()] : Array.from({ length: w }, (_, j) => (j === Math.floor(Math.abs(next()) * w / 2.0001) ? 1 : 0))));
  return { widths, layers, x: row(), background: Array.from({ length: nb }, row) };
});

describe('exact Shapley values', () => {
  it('equal the brute-force subset loop to 1e-12 (fast-check, 1–6 inputs, some categorical, 0–2 hidden layers, 1–4 background rows)', () => {
    fc.assert(fc.property(arbCase, ({ widths, layers, x, background }) => {
      const r = shapleyValues(toNetwork(layers), binaryHead(), inputGroups(inputsOf(widths)), Float64Array.from(x),
        Float64Array.from(background.flat()), background.length);
      const expected = bruteShapley(layers, widths, x, background);
      expect(r.exact).toBe(true);
      expected.forEach((phi, i) => expect(Math.abs(r.values[i] - phi)).toBeLessThanOrEqual(1e-12));
      // Efficiency against the plain forward pass, not the code's own prediction.
      const base = background.reduce((s, b) => s + plainForward(layers, b), 0) / background.length;
      const sum = Array.from(r.values).reduce((a, b) => a + b, base);
      expect(Math.abs(sum - plainForward(layers, x))).toBeLessThan(1e-12);
      expect(r.gap).toBeLessThan(1e-12);
      expect(Math.abs(r.base - base)).toBeLessThan(1e-14);
    }), { numRuns: 60 });
  });

  it('of a linear-output network with one baseline row are w_i·(x_i − b_i) (a categorical input: the sum over its columns), 9 inputs', () => {
    // A linear output (the explained value is the network's raw output) is where the closed form holds.
    const widths = [1, 1, 3, 1, 1, 2, 1, 1, 1];
    const w = [0.7, -1.3, 0.25, -0.5, 2, 0.9, -0.1, 0.4, 1.1, -2.2, 0.6, 0.05];
    const x = [1.5, -0.2, 0, 1, 0, 3, -4, 1, 0, 0.7, 2.5, -1];
    const b = [0.5, 0.8, 1, 0, 0, -1, 2, 0, 1, 0.1, 0.5, 3];
    const net = toNetwork([{ activation: 'linear', weights: [w], bias: [0.3] }]);
    const r = shapleyValues(net, valueHead(), inputGroups(inputsOf(widths)), Float64Array.from(x), Float64Array.from(b), 1);
    let c = 0;
    widths.forEach((width, g) => {
      let expected = 0;
      for (let j = 0; j < width; j++, c++) expected += w[c] * (x[c] - b[c]);
      expect(Math.abs(r.values[g] - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
    });
    expect(r.gap).toBeLessThan(1e-12);
  });

  it('satisfy symmetry (two interchangeable inputs get equal values) and dummy (a zero-weight input gets exactly 0)', () => {
    // Inputs 1 and 3 have identical weight columns and equal values in x and in every background row; input 4's weights are 0.
    const W = [[0.9, -0.6, 0.3, -0.6, 0], [-0.4, 1.2, 0.8, 1.2, 0], [0.5, 0.2, -1.1, 0.2, 0]];
    const layers: PlainLayer[] = [
      { activation: 'tanh', weights: W, bias: [0.1, -0.2, 0.3] },
      { activation: 'sigmoid', weights: [[1.5, -0.7, 0.9]], bias: [0.05] },
    ];
    const x = [0.8, 1.7, -0.5, 1.7, 9];
    const background = [[0.1, -0.3, 0.4, -0.3, -2], [-1, 0.6, 0.2, 0.6, 5], [0.5, 0.5, -0.9, 0.5, 0]];
    const r = shapleyValues(toNetwork(layers), binaryHead(), inputGroups(inputsOf([1, 1, 1, 1, 1])), Float64Array.from(x),
      Float64Array.from(background.flat()), 3);
    expect(Math.abs(r.values[1] - r.values[3])).toBeLessThan(1e-15);
    expect(Math.abs(r.values[1])).toBeGreaterThan(1e-3);
    expect(r.values[4]).toBe(0);
  });

  it('beyond 16 inputs are a seeded permutation estimate with exact: false, within 4 standard errors of the exact values (18 inputs)', () => {
    const M = 18;
    const values = Array.from({ length: 400 }, (_, i) => Math.sin(1.7 * i + 0.3) * 1.5);
    let k = 0;
    const next = () => values[k++ % values.length];
    const layers: PlainLayer[] = [
      { activation: 'tanh', weights: Array.from({ length: 4 }, () => Array.from({ length: M }, next)), bias: [0.1, 0.2, -0.1, 0] },
      { activation: 'sigmoid', weights: [[1.2, -0.8, 0.5, 0.9]], bias: [0] },
    ];
    const net = toNetwork(layers);
    const groups = inputGroups(inputsOf(Array(M).fill(1)));
    const x = Float64Array.from({ length: M }, next);
    const background = Float64Array.from({ length: 3 * M }, next);
    const estimate = shapleyValues(net, binaryHead(), groups, x, background, 3, { seed: 5, tolerance: 2e-3 });
    const again = shapleyValues(net, binaryHead(), groups, x, background, 3, { seed: 5, tolerance: 2e-3 });
    const exact = shapleyValues(net, binaryHead(), groups, x, background, 3, { method: 'exact' });
    expect(estimate.exact).toBe(false);
    expect(exact.exact).toBe(true);
    expect(Array.from(again.values)).toEqual(Array.from(estimate.values));
    const se = estimate.standardError as Float64Array;
    expect(Math.max(...se)).toBeLessThanOrEqual(2e-3);
    for (let g = 0; g < M; g++) expect(Math.abs(estimate.values[g] - exact.values[g])).toBeLessThanOrEqual(4 * se[g] + 1e-12);
    // Each permutation telescopes from v(∅) to f(x), so the estimate is efficient too.
    expect(estimate.gap).toBeLessThan(1e-12);
  });
});

/** IG by Simpson's rule (2000 intervals) over central finite differences of the plain forward pass. */
function referenceIG(layers: PlainLayer[], widths: number[], x: number[], baseline: number[]): number[] {
  const n = 2000;
  const h = 1e-5;
  const columns = x.map((xc, c) => {
    let s = 0;
    for (let q = 0; q <= n; q++) {
      const alpha = q / n;
      const point = baseline.map((bc, j) => bc + alpha * (x[j] - bc));
      const up = point.slice();
      const down = point.slice();
      up[c] += h;
      down[c] -= h;
      const grad = (plainForward(layers, up) - plainForward(layers, down)) / (2 * h);
      s += (q === 0 || q === n ? 1 : q % 2 === 1 ? 4 : 2) * grad;
    }
    return (xc - baseline[c]) * s / (3 * n);
  });
  let c = 0;
  return widths.map((w) => {
    let s = 0;
    for (let j = 0; j < w; j++) s += columns[c++];
    return s;
  });
}

const smooth = fc.constantFrom<ActivationName>('sigmoid', 'tanh', 'linear');

describe('integrated gradients', () => {
  it('Gauss–Legendre with n nodes integrates t^(2n−1) on [0, 1] exactly (n = 1…64)', () => {
    for (let n = 1; n <= 64; n++) {
      const { nodes, weights } = gaussLegendre(n);
      const integral = nodes.reduce((s, t, q) => s + weights[q] * t ** (2 * n - 1), 0);
      expect(Math.abs(integral - 1 / (2 * n))).toBeLessThan(1e-14);
    }
  });

  it('are complete to 1e-6, match Simpson over finite differences to 1e-6, and conductance sums to each value (fast-check, smooth activations)', () => {
    fc.assert(fc.property(arbCase, fc.array(smooth, { minLength: 2, maxLength: 2 }), ({ widths, layers, x, background }, acts) => {
      const smoothLayers = layers.map((l, i) => (i < layers.length - 1 ? { ...l, activation: acts[i] } : l));
      const baseline = background[0];
      const r = integratedGradients(toNetwork(smoothLayers), binaryHead(), inputGroups(inputsOf(widths)), Float64Array.from(x), Float64Array.from(baseline));
      const fx = plainForward(smoothLayers, x);
      const fb = plainForward(smoothLayers, baseline);
      const total = Array.from(r.values).reduce((a, b) => a + b, 0);
      expect(Math.abs(total - (fx - fb))).toBeLessThan(1e-6);
      expect(r.gap).toBeLessThan(1e-6);
      expect(r.converged).toBe(true);
      referenceIG(smoothLayers, widths, x, baseline).forEach((ig, g) => expect(Math.abs(r.values[g] - ig)).toBeLessThan(1e-6));
      if (smoothLayers.length > 1) {
        const conductance = r.conductance as Float64Array[];
        expect(conductance).toHaveLength(widths.length);
        conductance.forEach((row, g) => {
          expect(row).toHaveLength(smoothLayers[0].weights.length);
          expect(Math.abs(row.reduce((a, b) => a + b, 0) - r.values[g])).toBeLessThan(1e-12);
        });
      } else {
        expect(r.conductance).toBeUndefined();
      }
    }), { numRuns: 25 });
  });

  it('of a linear-output network are w·(x − baseline) with a gap below 1e-12', () => {
    const net = toNetwork([{ activation: 'linear', weights: [[2, -1, 0.5]], bias: [1] }]);
    const r = integratedGradients(net, valueHead(), inputGroups(inputsOf([1, 1, 1])), Float64Array.from([1, 2, 3]), Float64Array.from([0, 0, 1]));
    [2, -2, 1].forEach((expected, g) => expect(Math.abs(r.values[g] - expected)).toBeLessThan(1e-12));
    expect(r.gap).toBeLessThan(1e-12);
  });

  it('saturated units (|z| = 1000) give finite values', () => {
    const net = toNetwork([{ activation: 'sigmoid', weights: [[1000], [-1000]], bias: [0, 0] }, { activation: 'sigmoid', weights: [[1000, 1000]], bias: [-1000] }]);
    const r = integratedGradients(net, binaryHead(), inputGroups(inputsOf([1])), Float64Array.from([1]), Float64Array.from([-1]));
    expect(Number.isFinite(r.values[0])).toBe(true);
    expect(Number.isFinite(r.gap)).toBe(true);
  });
});
