/**
 * Losses. Reduction is the mean over the batch (and over output units when there are several).
 *
 * Binary cross-entropy is computed from the logit z of a sigmoid output:
 *   L = −[y log σ(z) + (1−y) log(1−σ(z))] = max(z,0) − z·y + log(1 + e^{−|z|}),
 * which is finite for every finite z (|z| = 1000 included), and fused with the sigmoid:
 *   dL/dz = σ(z) − y   (the notes' factors (1)·(2) collapse to ŷ − y).
 * Mean squared error L = (ŷ − y)² works with any output activation: dL/dŷ = 2(ŷ − y).
 */
export type LossName = 'bce' | 'mse';
export const LOSSES: readonly LossName[] = ['bce', 'mse'];

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

/**
 * Mean loss over `len` outputs. `Z` are the output logits, `A` the output activations, `Y` the
 * targets; `sampleWeight` (one per row of `units` outputs) scales each row's term.
 */
export function lossValue(
  loss: LossName, Z: Float64Array, A: Float64Array, Y: Float64Array, len: number,
  units = 1, sampleWeight?: Float64Array,
): number {
  let s = 0;
  for (let i = 0; i < len; i++) {
    const l = loss === 'bce' ? bceFromLogit(Z[i], Y[i]) : mse(A[i], Y[i]);
    s += sampleWeight ? sampleWeight[(i / units) | 0] * l : l;
  }
  return s / len;
}

/**
 * dL/dA for the mean loss (MSE), or dL/dZ directly for fused sigmoid + BCE, written to `out`.
 * Returns true when `out` already holds dL/dZ (the fused case).
 */
export function lossGradient(
  loss: LossName, Z: Float64Array, A: Float64Array, Y: Float64Array, out: Float64Array, len: number,
  units = 1, sampleWeight?: Float64Array,
): boolean {
  const inv = 1 / len;
  if (loss === 'bce') {
    // A holds σ(z) for a BCE output (the network checks the output is sigmoid).
    for (let i = 0; i < len; i++) {
      const w = sampleWeight ? sampleWeight[(i / units) | 0] : 1;
      out[i] = (A[i] - Y[i]) * inv * w;
    }
    return true;
  }
  for (let i = 0; i < len; i++) {
    const w = sampleWeight ? sampleWeight[(i / units) | 0] : 1;
    out[i] = 2 * (A[i] - Y[i]) * inv * w;
  }
  return false;
}
