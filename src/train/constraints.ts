/**
 * Monotonicity as sign constraints on the weights, kept by projection after every step
 * (projected gradient descent). With activations that never decrease (every one in the table:
 * sigmoid, tanh, relu, leaky_relu, softplus, linear), ∂ŷ/∂x_i is a sum over paths of products
 * of weights and activation derivatives ≥ 0; so if every weight of layer 1 and beyond is ≥ 0 and
 * input i's first-layer weights carry its sign (≥ 0 increasing, ≤ 0 decreasing), ŷ never
 * decreases (increases) in x_i, whatever the other inputs are. Inputs without a constraint keep
 * free first-layer weights.
 */
import type { Network } from '../math/network.js';

export type Direction = 'increasing' | 'decreasing';

/** Per layer, per weight (row-major like Layer.weights): +1 kept ≥ 0, −1 kept ≤ 0, 0 free. */
export interface WeightSigns {
  readonly layers: Int8Array[];
}

/**
 * The signs that make ŷ monotone in the constrained encoded input columns: `directions[i]` for
 * column i of the network's input (undefined = free). Undefined when nothing is constrained.
 */
export function monotoneSigns(net: Network, directions: ReadonlyArray<Direction | undefined>): WeightSigns | undefined {
  if (!directions.some((d) => d !== undefined)) return undefined;
  const layers = net.layers.map((layer, l) => {
    const signs = new Int8Array(layer.units * layer.inputs);
    if (l > 0) return signs.fill(1);
    for (let j = 0; j < layer.units; j++) {
      for (let i = 0; i < layer.inputs; i++) {
        const d = directions[i];
        signs[j * layer.inputs + i] = d === 'increasing' ? 1 : d === 'decreasing' ? -1 : 0;
      }
    }
    return signs;
  });
  return { layers };
}

/** Moves every constrained weight onto its allowed half-line (the Euclidean projection). */
export function project(weights: readonly Float64Array[], signs: WeightSigns): void {
  for (let l = 0; l < weights.length; l++) {
    const W = weights[l];
    const S = signs.layers[l];
    for (let i = 0; i < W.length; i++) {
      if (S[i] > 0 && W[i] < 0) W[i] = 0;
      else if (S[i] < 0 && W[i] > 0) W[i] = 0;
    }
  }
}
