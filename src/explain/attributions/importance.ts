/**
 * Global explanations over a data set: permutation importance and partial dependence / ICE.
 *
 * Permutation importance follows scikit-learn's definition: the score on the data minus the score
 * after the rows of one input's columns are shuffled (a categorical input's one-hot columns move
 * together), repeated `repeats` times with a seeded generator; the mean and the population std
 * (numpy's default, ddof = 0) of those drops. The score is passed in (higher is better) and reads
 * the whole output layer (one sigmoid unit, k softmax units or one linear unit), so this file
 * knows nothing of metrics or tasks.
 *
 * Partial dependence of a numeric input at value v is the mean output over the rows with that
 * input set to v; ICE keeps the per-row curves.
 */
import type { Network } from '../../math/network.js';
import { createWorkspace, forward } from '../../math/network.js';
import { createRng, shuffleInPlace } from '../../math/rng.js';
import type { InputGroup, OutputHead } from './types.js';
import { numericScale, readOutput } from './types.js';

/** The explained output of each of n encoded rows. */
export function outputs(net: Network, head: OutputHead, X: Float64Array, n: number): Float64Array {
  const k = net.layers[0].inputs;
  const batch = Math.min(Math.max(n, 1), 4096);
  const ws = createWorkspace(net, batch);
  const result = new Float64Array(n);
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start);
    const out = forward(net, X.subarray(start * k, (start + rows) * k), rows, ws);
    for (let r = 0; r < rows; r++) result[start + r] = readOutput(net, head, out, r);
  }
  return result;
}

/** The output layer's activations of n encoded rows, [n × units] row-major. */
export function outputLayer(net: Network, X: Float64Array, n: number): Float64Array {
  const k = net.layers[0].inputs;
  const units = net.layers[net.layers.length - 1].units;
  const batch = Math.min(Math.max(n, 1), 4096);
  const ws = createWorkspace(net, batch);
  const result = new Float64Array(n * units);
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start);
    result.set(forward(net, X.subarray(start * k, (start + rows) * k), rows, ws).subarray(0, rows * units), start * units);
  }
  return result;
}

export interface PermutationImportance {
  readonly input: string;
  /** Mean drop of the score over the repeats. */
  readonly mean: number;
  /** Population std of the drops. */
  readonly std: number;
  /** The drop of each repeat. */
  readonly drops: readonly number[];
}

export interface ImportanceResult {
  /** The score on the unshuffled rows. */
  readonly baseline: number;
  readonly importances: readonly PermutationImportance[];
}

/**
 * Permutation importance of every group over n encoded rows X. The generator is seeded once and
 * drawn in a fixed order (group by group, repeat by repeat), so a seed fixes every shuffle.
 */
export function permutationImportance(
  net: Network, groups: readonly InputGroup[], X: Float64Array, n: number,
  score: (outputLayer: Float64Array) => number, options: { repeats?: number; seed?: number } = {},
): ImportanceResult {
  const repeats = options.repeats ?? 5;
  const rng = createRng(options.seed ?? 0);
  const k = net.layers[0].inputs;
  const baseline = score(outputLayer(net, X, n));
  const shuffled = Float64Array.from(X);
  const order = new Uint32Array(n);
  const importances = groups.map((g): PermutationImportance => {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      for (let i = 0; i < n; i++) order[i] = i;
      shuffleInPlace(order, rng);
      for (let i = 0; i < n; i++) {
        for (let c = g.start; c < g.start + g.width; c++) shuffled[i * k + c] = X[order[i] * k + c];
      }
      drops.push(baseline - score(outputLayer(net, shuffled, n)));
    }
    for (let i = 0; i < n; i++) for (let c = g.start; c < g.start + g.width; c++) shuffled[i * k + c] = X[i * k + c];
    const mean = drops.reduce((a, b) => a + b, 0) / repeats;
    const std = Math.sqrt(drops.reduce((a, d) => a + (d - mean) * (d - mean), 0) / repeats);
    return { input: g.name, mean, std, drops };
  });
  return { baseline, importances };
}

export interface PartialDependence {
  readonly input: string;
  /** Multiclass: the class whose probability the curves are (the head's class). */
  readonly class?: string;
  /** Raw values of the input, evenly spaced from the data's minimum to its maximum. */
  readonly grid: readonly number[];
  /** Mean output over all rows at each grid value. */
  readonly average: readonly number[];
  /** Per-row curves (ICE) of the first `iceRows` rows: ice.values[i][j] is row ice.rows[i] at grid[j]. */
  readonly ice: { readonly rows: readonly number[]; readonly values: readonly (readonly number[])[] };
}

/** Partial dependence and ICE of the head's output for every numeric group over n encoded rows X. */
export function partialDependence(
  net: Network, head: OutputHead, groups: readonly InputGroup[], X: Float64Array, n: number,
  options: { gridSize?: number; iceRows?: number } = {},
): PartialDependence[] {
  const gridSize = Math.max(2, options.gridSize ?? 20);
  const iceRows = Math.min(n, options.iceRows ?? 50);
  const k = net.layers[0].inputs;
  const varied = Float64Array.from(X);
  return groups.filter((g) => g.input.kind === 'numeric').map((g) => {
    const c = g.start;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, X[i * k + c]);
      hi = Math.max(hi, X[i * k + c]);
    }
    const { shift, scale } = numericScale(g.input);
    const encodedGrid = Array.from({ length: gridSize }, (_, j) => (j === gridSize - 1 ? hi : lo + ((hi - lo) * j) / (gridSize - 1)));
    const average: number[] = [];
    const ice: number[][] = Array.from({ length: iceRows }, () => []);
    for (const value of encodedGrid) {
      for (let i = 0; i < n; i++) varied[i * k + c] = value;
      const y = outputs(net, head, varied, n);
      let s = 0;
      for (let i = 0; i < n; i++) s += y[i];
      average.push(s / n);
      for (let i = 0; i < iceRows; i++) ice[i].push(y[i]);
    }
    for (let i = 0; i < n; i++) varied[i * k + c] = X[i * k + c];
    return {
      input: g.name,
      ...(head.class !== undefined ? { class: head.class } : {}),
      grid: encodedGrid.map((e) => e * scale + shift),
      average,
      ice: { rows: Array.from({ length: iceRows }, (_, i) => i), values: ice },
    };
  });
}
