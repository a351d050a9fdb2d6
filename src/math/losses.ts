/**
 * Losses as one table of records: the per-output value and gradient, the output activation a
 * loss is fused with, and the formulas explain prints. Reduction is the mean over the batch (and
 * over output units when there are several).
 *
 * Binary cross-entropy is computed from the logit z of a sigmoid output:
 *   L = −[y log σ(z) + (1−y) log(1−σ(z))] = max(z,0) − z·y + log(1 + e^{−|z|}),
 * which is finite for every finite z (|z| = 1000 included), and fused with the sigmoid:
 *   dL/dz = σ(z) − y   (the notes' factors (1)·(2) collapse to ŷ − y).
 * Mean squared error L = (ŷ − y)² works with any output activation: dL/dŷ = 2(ŷ − y).
 */
import type { ActivationName } from './activations.js';

export type LossName = 'bce' | 'mse';

export interface Loss {
  readonly name: LossName;
  /** The per-output loss from the logit z, the output activation a = f(z) and the target y. */
  value(z: number, a: number, y: number): number;
  /** The per-output gradient before the mean and the sample weight: dL/dz when fused, else dL/da. */
  gradient(z: number, a: number, y: number): number;
  /** The output activation this loss is fused with (the network insists on it), if any. */
  readonly fusedWith?: ActivationName;
  /** L in words of ŷ and y, for help and explanations. */
  readonly formula: string;
  /** ∂L/∂ŷ as explain prints it, and what it means. */
  readonly gradientFormula: string;
  readonly gradientMeaning: string;
  /** ∂L/∂z of the fused pair, as explain prints it. */
  readonly fusedFormula?: string;
  /** One line for the CLI's help. */
  readonly help: string;
}

/** Per-sample BCE from the logit: max(z,0) − z·y + log1p(e^{−|z|}). Valid for y in [0, 1]. */
export function bceFromLogit(z: number, y: number): number {
  return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
}

/** BCE written on the probability, as the notes write it; −log 0 is clamped by 1e-300. */
export function bceFromProbability(yhat: number, y: number): number {
  const p = Math.min(Math.max(yhat, 1e-300), 1 - 1e-16);
  return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
}

export function mse(yhat: number, y: number): number {
  const d = yhat - y;
  return d * d;
}

export const losses: { readonly [K in LossName]: Loss } = {
  bce: {
    name: 'bce', value: (z, _a, y) => bceFromLogit(z, y), gradient: (_z, a, y) => a - y, fusedWith: 'sigmoid',
    formula: '−[y log ŷ + (1−y) log(1−ŷ)]', gradientFormula: '−[y/ŷ − (1−y)/(1−ŷ)]',
    gradientMeaning: 'how the loss changes with the prediction', fusedFormula: 'ŷ − y',
    help: 'bce (binary cross-entropy, sigmoid output)',
  },
  mse: {
    name: 'mse', value: (_z, a, y) => mse(a, y), gradient: (_z, a, y) => 2 * (a - y),
    formula: '(ŷ − y)²', gradientFormula: '2(ŷ − y)',
    gradientMeaning: 'how the squared error changes with the prediction',
    help: 'mse (squared error, any output activation)',
  },
};

/** Every loss name, in the table's order. */
export const LOSSES = Object.keys(losses) as readonly LossName[];

export function isLossName(name: string): name is LossName {
  return Object.prototype.hasOwnProperty.call(losses, name);
}

/**
 * Mean loss over `len` outputs. `Z` are the output logits, `A` the output activations, `Y` the
 * targets; `sampleWeight` (one per row of `units` outputs) scales each row's term.
 */
export function lossValue(
  loss: LossName, Z: Float64Array, A: Float64Array, Y: Float64Array, len: number,
  units = 1, sampleWeight?: Float64Array,
): number {
  const value = losses[loss].value;
  let s = 0;
  for (let i = 0; i < len; i++) {
    const l = value(Z[i], A[i], Y[i]);
    s += sampleWeight ? sampleWeight[(i / units) | 0] * l : l;
  }
  return s / len;
}

/**
 * dL/dA for the mean loss, or dL/dZ directly for a fused pair (sigmoid + BCE), written to `out`.
 * Returns true when `out` already holds dL/dZ (the fused case; the network checked the pairing).
 * Each term is gradient·(1/len)·weight in that order, as every fast path computes it.
 */
export function lossGradient(
  loss: LossName, Z: Float64Array, A: Float64Array, Y: Float64Array, out: Float64Array, len: number,
  units = 1, sampleWeight?: Float64Array,
): boolean {
  const { gradient, fusedWith } = losses[loss];
  const inv = 1 / len;
  for (let i = 0; i < len; i++) {
    const w = sampleWeight ? sampleWeight[(i / units) | 0] : 1;
    out[i] = gradient(Z[i], A[i], Y[i]) * inv * w;
  }
  return fusedWith !== undefined;
}
