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
 * Huber (δ = 1) is ½d² for |d| ≤ 1 and |d| − ½ beyond, d = ŷ − y: dL/dŷ = d clipped to [−1, 1].
 *
 * Cross-entropy over k classes is row-wise (`scope: 'row'`): a row's loss needs all its logits,
 *   L = −Σₖ yₖ log ŷₖ = logsumexp(z) − Σₖ yₖ zₖ   with ŷ = softmax(z),
 * finite at |z| = 1000, fused with the softmax: ∂L/∂zₖ = ŷₖ − yₖ (the notes' ŷ − y, per class).
 * Its mean is over rows, not over rows × classes.
 */
import type { ActivationName } from './activations.js';
import { logSumExpRow } from './activations.js';

export type ElementLossName = 'bce' | 'mse' | 'huber';
export type RowLossName = 'cross_entropy';
export type LossName = ElementLossName | RowLossName;

/** Huber's δ: the error (on the network's scale) where the square turns into a line. */
export const HUBER_DELTA = 1;

interface LossBase {
  readonly name: LossName;
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

/** L is the mean of `value` over every output of the batch (rows × units). */
export interface ElementLoss extends LossBase {
  readonly name: ElementLossName;
  readonly scope: 'element';
  /** The per-output loss from the logit z, the output activation a = f(z) and the target y. */
  value(z: number, a: number, y: number): number;
}

/** L is the mean of `rowValue` over the batch's rows; each row's value reads all its units. */
export interface RowLoss extends LossBase {
  readonly name: RowLossName;
  readonly scope: 'row';
  /** One row's loss from its logits Z[o..o+units) and targets Y[o..o+units). */
  rowValue(Z: Float64Array, Y: Float64Array, offset: number, units: number): number;
}

export type Loss = ElementLoss | RowLoss;

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

export function huber(yhat: number, y: number): number {
  const d = Math.abs(yhat - y);
  return d <= HUBER_DELTA ? 0.5 * d * d : HUBER_DELTA * (d - 0.5 * HUBER_DELTA);
}

/** One row's cross-entropy, logsumexp(z) − Σₖ yₖzₖ. */
export function crossEntropyRow(Z: Float64Array, Y: Float64Array, offset: number, units: number): number {
  let dot = 0;
  for (let k = 0; k < units; k++) dot += Y[offset + k] * Z[offset + k];
  return logSumExpRow(Z, offset, units) - dot;
}

export const losses: { readonly [K in LossName]: K extends RowLossName ? RowLoss : ElementLoss } = {
  bce: {
    name: 'bce', scope: 'element', value: (z, _a, y) => bceFromLogit(z, y), gradient: (_z, a, y) => a - y, fusedWith: 'sigmoid',
    formula: '−[y log ŷ + (1−y) log(1−ŷ)]', gradientFormula: '−[y/ŷ − (1−y)/(1−ŷ)]',
    gradientMeaning: 'how the loss changes with the prediction', fusedFormula: 'ŷ − y',
    help: 'bce (binary cross-entropy, sigmoid output)',
  },
  mse: {
    name: 'mse', scope: 'element', value: (_z, a, y) => mse(a, y), gradient: (_z, a, y) => 2 * (a - y),
    formula: '(ŷ − y)²', gradientFormula: '2(ŷ − y)',
    gradientMeaning: 'how the squared error changes with the prediction',
    help: 'mse (squared error, any output activation)',
  },
  huber: {
    name: 'huber', scope: 'element', value: (_z, a, y) => huber(a, y),
    gradient: (_z, a, y) => Math.min(Math.max(a - y, -HUBER_DELTA), HUBER_DELTA),
    formula: '½(ŷ − y)² if |ŷ − y| ≤ 1 else |ŷ − y| − ½', gradientFormula: 'ŷ − y clipped to [−1, 1]',
    gradientMeaning: 'how the Huber loss changes with the prediction',
    help: 'huber (squared error near 0, absolute beyond 1; regression)',
  },
  cross_entropy: {
    name: 'cross_entropy', scope: 'row', rowValue: crossEntropyRow, gradient: (_z, a, y) => a - y, fusedWith: 'softmax',
    formula: '−Σₖ yₖ log ŷₖ', gradientFormula: '−yₖ/ŷₖ',
    gradientMeaning: 'how the loss changes with the probability of class k', fusedFormula: 'ŷₖ − yₖ',
    help: 'cross_entropy (multi-class, softmax output)',
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
  const spec = losses[loss];
  let s = 0;
  if (spec.scope === 'row') {
    const rows = len / units;
    for (let r = 0; r < rows; r++) {
      const l = spec.rowValue(Z, Y, r * units, units);
      s += sampleWeight ? sampleWeight[r] * l : l;
    }
    return s / rows;
  }
  const value = spec.value;
  for (let i = 0; i < len; i++) {
    const l = value(Z[i], A[i], Y[i]);
    s += sampleWeight ? sampleWeight[(i / units) | 0] * l : l;
  }
  return s / len;
}

/**
 * dL/dA for the mean loss, or dL/dZ directly for a fused pair (sigmoid + BCE, softmax +
 * cross-entropy), written to `out`. Returns true when `out` already holds dL/dZ (the fused case;
 * the network checked the pairing). Each term is gradient·(1/count)·weight in that order, as every
 * fast path computes it; count is len for an element-wise loss and the rows for a row-wise one.
 */
export function lossGradient(
  loss: LossName, Z: Float64Array, A: Float64Array, Y: Float64Array, out: Float64Array, len: number,
  units = 1, sampleWeight?: Float64Array,
): boolean {
  const { gradient, fusedWith, scope } = losses[loss];
  const inv = 1 / (scope === 'row' ? len / units : len);
  for (let i = 0; i < len; i++) {
    const w = sampleWeight ? sampleWeight[(i / units) | 0] : 1;
    out[i] = gradient(Z[i], A[i], Y[i]) * inv * w;
  }
  return fusedWith !== undefined;
}
