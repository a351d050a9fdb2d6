/** Networks for the explain tests: random ones from a seeded generator, and the notes' two by hand. */
import fc from 'fast-check';
import type { ActivationName } from '../../src/math/activations.js';
import { ACTIVATIONS } from '../../src/math/activations.js';
import type { LossName } from '../../src/math/losses.js';
import type { Layer, Network } from '../../src/math/network.js';

export const FC_SEED = 20261123;

/** Mixed tolerance |a − b| ≤ tol·max(1, |a|, |b|). */
export function close(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
}

export function layer(activation: ActivationName, weights: number[][], bias: number[]): Layer {
  return { inputs: weights[0].length, units: weights.length, activation, weights: Float64Array.from(weights.flat()), bias: Float64Array.from(bias) };
}

export function snapshot(net: Network): number[][] {
  return net.layers.flatMap((l) => [Array.from(l.weights), Array.from(l.bias)]);
}

/** A random network of 1–4 layers, widths 1–8, any hidden activation, either loss; biases never 0. */
export const arbNetworkCase = fc.record({
  widths: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
  hiddenActivations: fc.array(fc.constantFrom(...ACTIVATIONS), { minLength: 4, maxLength: 4 }),
  loss: fc.constantFrom<LossName>('bce', 'mse'),
  mseOutput: fc.constantFrom(...ACTIVATIONS),
  seedValues: fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: 400, maxLength: 400 }),
  y: fc.double({ min: 0, max: 1, noNaN: true }),
}).map(({ widths, hiddenActivations, loss, mseOutput, seedValues, y }) => {
  // widths[0] is the input width; the output layer always has one unit.
  const sizes = [...widths, 1];
  let k = 0;
  const next = () => seedValues[k++ % seedValues.length];
  const layers: Layer[] = sizes.slice(1).map((units, l) => {
    const inputs = sizes[l];
    const isOutput = l === sizes.length - 2;
    const activation: ActivationName = isOutput ? (loss === 'bce' ? 'sigmoid' : mseOutput) : hiddenActivations[l];
    const weights = Array.from({ length: units }, () => Array.from({ length: inputs }, () => next()));
    // A bias of magnitude ≥ 0.05 keeps relu units off their kink at 0 for zero inputs.
    const bias = Array.from({ length: units }, () => { const b = next(); return b >= 0 ? b + 0.05 : b - 0.05; });
    return layer(activation, weights, bias);
  });
  const x = Array.from({ length: sizes[0] }, () => 2 * next());
  return { net: { loss, layers } as Network, x, y };
});

/** Net 1 of note 000: z = x·w1 + b1 (no activation), z' = z·w2 + b2, ŷ = σ(z'), BCE. */
export function net1(w1: number, b1: number, w2: number, b2: number): Network {
  return { loss: 'bce', layers: [layer('linear', [[w1]], [b1]), layer('sigmoid', [[w2]], [b2])] };
}

export interface Net2Params { w11: number; w21: number; w12: number; w22: number; b1: number; b2: number; w1: number; w2: number; b3: number }

/** Net 2 of note 004 with its own bias per unit; w_ij (input i → hidden j) is weights[j-1][i-1]. */
export function net2(p: Net2Params): Network {
  return {
    loss: 'bce',
    layers: [
      layer('sigmoid', [[p.w11, p.w21], [p.w12, p.w22]], [p.b1, p.b2]),
      layer('sigmoid', [[p.w1, p.w2]], [p.b3]),
    ],
  };
}

/**
 * The fields of a random counterfactual case (3 inputs, maybe one categorical, 1–4 hidden units,
 * up to 3 immutables, k = 1–2 changes): the binary and the multiclass/regression property tests
 * build their networks and constraints from them. Integers scaled to [−2, 2]: fast-check's
 * doubles favour 0 and the extremes, which make flat networks.
 */
export const counterfactualCaseFields = {
  values: fc.array(fc.integer({ min: -1000, max: 1000 }).map((v) => v / 500), { minLength: 200, maxLength: 200 }),
  categorical: fc.boolean(),
  hidden: fc.integer({ min: 1, max: 4 }),
  immutable: fc.integer({ min: 0, max: 3 }),
  maxChanges: fc.integer({ min: 1, max: 2 }),
  rangeWidth: fc.double({ min: 0.5, max: 6, noNaN: true }),
};
