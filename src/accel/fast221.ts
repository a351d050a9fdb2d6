/**
 * The notes' Net 2 (2 inputs → 2 sigmoid units → 1 sigmoid output, binary cross-entropy) written
 * out in scalars: one fused pass per row does the forward step, the loss and the backward step,
 * accumulating the nine gradients in registers. It performs the reference's floating-point
 * operations in the reference's order (each gradient summed over the batch's rows in row order,
 * each dot product started at 0), so the trained weights are bit-identical to `fit`'s generic
 * path; it only skips the buffers and the function calls between them. Batches of SIMD_MIN_ROWS
 * rows or more run the same pass in WebAssembly SIMD (simd221.ts), and so does the one-sample SGD
 * loop (simd221Steps.ts), with the same bytes.
 */
import type { Network } from '../math/network.js';
import type { Optimizer } from '../math/optimizers.js';
import type { EpochRunner } from './fastEpoch.js';
import type { Simd221Batches, Simd221Steps } from './simd221.js';
import { createSimd221Batches, createSimd221Steps, simd221Enabled } from './simd221.js';

/** True for the shape this path handles: 2-2-1, sigmoid hidden and output units, BCE. */
export function isNet221(net: Network): boolean {
  if (net.loss !== 'bce' || net.layers.length !== 2) return false;
  const [hidden, out] = net.layers;
  return hidden.inputs === 2 && hidden.units === 2 && hidden.activation === 'sigmoid'
    && out.inputs === 2 && out.units === 1 && out.activation === 'sigmoid';
}

export interface Net221Data {
  X: Float64Array;
  Y: Float64Array;
  n: number;
  sampleWeight?: Float64Array;
}

const NO_BUFFERS: Float64Array[] = [];
/**
 * Batches from this size go through the WebAssembly kernel. Measured (10,000 rows, SGD): at 16 rows
 * it is ~1.5× the JS loop, at 2–8 about even (per-step costs outside the pass dominate there).
 */
const SIMD_MIN_ROWS = 16;
/** Slots of P that hold weights (decayed by L2); 4, 5 and 8 are biases. */
const WEIGHT_SLOTS = [0, 1, 2, 3, 6, 7];

/**
 * One batch of the fused pass with parameters P = [w00, w01, w10, w11, b0, b1, v0, v1, c]
 * (W0 row-major, b0, W1, b1). Writes G = [Σ loss, then ∂L/∂ each parameter in P's order].
 */
function accumulateBatch(
  P: Float64Array, G: Float64Array, X: Float64Array, Y: Float64Array, sw: Float64Array | undefined,
  order: Uint32Array, shuffled: boolean, start: number, rows: number,
): void {
  const w00 = P[0], w01 = P[1], w10 = P[2], w11 = P[3], b0 = P[4], b1 = P[5], v0 = P[6], v1 = P[7], c = P[8];
  const inv = 1 / rows;
  let s = 0;
  let g00 = 0, g01 = 0, g10 = 0, g11 = 0, gb0 = 0, gb1 = 0, gv0 = 0, gv1 = 0, gc = 0;
  for (let r = 0; r < rows; r++) {
    const row = shuffled ? order[start + r] : start + r;
    const x0 = X[2 * row], x1 = X[2 * row + 1], y = Y[row];
    const z0 = (0 + x0 * w00 + x1 * w01) + b0;
    const e0 = Math.exp(-Math.abs(z0));
    const a0 = z0 >= 0 ? 1 / (1 + e0) : e0 / (1 + e0);
    const z1 = (0 + x0 * w10 + x1 * w11) + b1;
    const e1 = Math.exp(-Math.abs(z1));
    const a1 = z1 >= 0 ? 1 / (1 + e1) : e1 / (1 + e1);
    const z = (0 + a0 * v0 + a1 * v1) + c;
    const e = Math.exp(-Math.abs(z));
    const yhat = z >= 0 ? 1 / (1 + e) : e / (1 + e);
    const l = (z > 0 ? z : 0) - z * y + Math.log1p(e);
    let delta: number;
    if (sw === undefined) {
      s += l;
      delta = (yhat - y) * inv;
    } else {
      const w = sw[row];
      s += w * l;
      delta = (yhat - y) * inv * w;
    }
    gv0 += delta * a0;
    gv1 += delta * a1;
    gc += delta;
    const d0 = (0 + delta * v0) * a0 * (1 - a0);
    const d1 = (0 + delta * v1) * a1 * (1 - a1);
    g00 += d0 * x0;
    g01 += d0 * x1;
    g10 += d1 * x0;
    g11 += d1 * x1;
    gb0 += d0;
    gb1 += d1;
  }
  G[0] = s;
  G[1] = g00; G[2] = g01; G[3] = g10; G[4] = g11; G[5] = gb0; G[6] = gb1; G[7] = gv0; G[8] = gv1; G[9] = gc;
}

/**
 * An epoch runner (see `EpochRunner`) for batches of `batch` rows. SGD is applied inline (and the optimizer's step count advanced); any other optimizer gets the
 * gradients through `grads` and its own `step`.
 */
export function net221Epoch(
  net: Network, data: Net221Data, optimizer: Optimizer, params: Float64Array[], grads: Float64Array[],
  batch: number, l2: number,
): EpochRunner {
  const W0 = net.layers[0].weights, B0 = net.layers[0].bias;
  const W1 = net.layers[1].weights, B1 = net.layers[1].bias;
  const { X, Y, n } = data;
  const sw = data.sampleWeight;
  const inlineSgd = optimizer.config.name === 'sgd';
  // The inline SGD's η, read at the start of every epoch: a learning-rate schedule changes
  // optimizer.config.lr between epochs (see fit), never during one.
  let lr = optimizer.config.lr;

  // One sample per step runs the whole epoch in one function (every line runs on every step, so
  // the JIT sees all of it at once). Larger batches keep the row loop in its own small function:
  // a loop that runs 10,000 rows before the code after it ever runs would otherwise be compiled
  // without feedback for that code, thrown away when it is reached, and compiled again.
  const P = new Float64Array(9);
  const G = new Float64Array(10);
  const fused = batch === 1 && inlineSgd && sw === undefined && l2 === 0;
  const runner: EpochRunner = { run: !fused ? runBatched : simd221Enabled() ? runFusedSimd : runFused, stopped: false };
  // Made on the first epoch (it copies the data into the module's memory) and kept for the fit.
  let simd: Simd221Batches | undefined;
  let simdSteps: Simd221Steps | undefined;
  const useSimd = batch >= SIMD_MIN_ROWS && simd221Enabled();
  // One callback for the whole fit: a new closure per epoch made the engine's optimised caller in
  // simd221.ts deoptimise every epoch (measured, 1,000-row epochs: ~5.0M instead of ~7.0M steps/s).
  let epochShouldStop: (() => boolean) | undefined;
  const stepAndAsk = (): boolean => {
    optimizer.step(NO_BUFFERS, NO_BUFFERS);
    return runner.stopped = epochShouldStop!();
  };
  return runner;

  function runBatched(order: Uint32Array, shuffled: boolean, shouldStop?: () => boolean): number {
    runner.stopped = false;
    lr = optimizer.config.lr;
    P.set(W0, 0); P.set(B0, 4); P.set(W1, 6); P.set(B1, 8);
    if (useSimd && simd === undefined) simd = createSimd221Batches(data);
    if (simd && shuffled) simd.setOrder(order);
    let epochLoss = 0;
    for (let start = 0; start < n; start += batch) {
      const rows = Math.min(batch, n - start);
      if (simd) simd.accumulate(P, G, start, rows, shuffled);
      else accumulateBatch(P, G, X, Y, sw, order, shuffled, start, rows);
      const batchLoss = G[0] / rows;
      if (!Number.isFinite(batchLoss)) return Number.NaN;
      epochLoss += batchLoss * rows;
      if (l2 > 0) {
        for (const q of WEIGHT_SLOTS) G[q + 1] += l2 * P[q];
      }
      if (inlineSgd) {
        for (let q = 0; q < 9; q++) P[q] -= lr * G[q + 1];
        optimizer.step(NO_BUFFERS, NO_BUFFERS);
      } else {
        const [gW0, gB0, gW1, gB1] = grads;
        gW0.set(G.subarray(1, 5)); gB0.set(G.subarray(5, 7)); gW1.set(G.subarray(7, 9)); gB1[0] = G[9];
        storeParams();
        optimizer.step(params, grads);
        P.set(W0, 0); P.set(B0, 4); P.set(W1, 6); P.set(B1, 8);
      }
      if (shouldStop !== undefined && shouldStop()) {
        runner.stopped = true;
        break;
      }
    }
    storeParams();
    return epochLoss;
  }

  function storeParams(): void {
    W0.set(P.subarray(0, 4)); B0.set(P.subarray(4, 6)); W1.set(P.subarray(6, 8)); B1[0] = P[8];
  }

  /**
   * One sample per SGD step (the notes' way), without sample weights or L2 (those take
   * runBatched): the batch of 1 makes 1/rows and ·rows exact no-ops, and a small function
   * reaches optimised code sooner, which matters in a 100,000-step run.
   */
  function runFused(order: Uint32Array, shuffled: boolean, shouldStop?: () => boolean): number {
    runner.stopped = false;
    const lr = optimizer.config.lr;
    let w00 = W0[0], w01 = W0[1], w10 = W0[2], w11 = W0[3], b0 = B0[0], b1 = B0[1];
    let v0 = W1[0], v1 = W1[1], c = B1[0];
    let epochLoss = 0;
    for (let r = 0; r < n; r++) {
      const row = shuffled ? order[r] : r;
      const x0 = X[2 * row], x1 = X[2 * row + 1], y = Y[row];
      // Forward: z = (0 + x·w) + b exactly as matmulTransB then addBiasRows; σ via e^{−|z|}.
      const z0 = (0 + x0 * w00 + x1 * w01) + b0;
      const e0 = Math.exp(-Math.abs(z0));
      const a0 = z0 >= 0 ? 1 / (1 + e0) : e0 / (1 + e0);
      const z1 = (0 + x0 * w10 + x1 * w11) + b1;
      const e1 = Math.exp(-Math.abs(z1));
      const a1 = z1 >= 0 ? 1 / (1 + e1) : e1 / (1 + e1);
      const z = (0 + a0 * v0 + a1 * v1) + c;
      const e = Math.exp(-Math.abs(z));
      const yhat = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      // BCE from the logit, reusing e = e^{−|z|}: max(z,0) − z·y + log1p(e^{−|z|}).
      const l = (z > 0 ? z : 0) - z * y + Math.log1p(e);
      if (!Number.isFinite(l)) return Number.NaN;
      epochLoss += l;
      // Backward: delta = ∂L/∂z = ŷ − y, then the chain rule down. Each gradient is a sum over
      // one row started at 0, as in the reference (0 + −0 is +0).
      const delta = yhat - y;
      const d0 = (0 + delta * v0) * a0 * (1 - a0);
      const d1 = (0 + delta * v1) * a1 * (1 - a1);
      w00 -= lr * (0 + d0 * x0); w01 -= lr * (0 + d0 * x1); w10 -= lr * (0 + d1 * x0); w11 -= lr * (0 + d1 * x1);
      b0 -= lr * (0 + d0); b1 -= lr * (0 + d1);
      v0 -= lr * (0 + delta * a0); v1 -= lr * (0 + delta * a1); c -= lr * (0 + delta);
      // Keeps the optimizer's step count (saved in checkpoints) what the generic path leaves.
      optimizer.step(NO_BUFFERS, NO_BUFFERS);
      if (shouldStop !== undefined && shouldStop()) {
        runner.stopped = true;
        break;
      }
    }
    // Parameters live in locals during the epoch (no closure captures them, so they stay in registers).
    W0[0] = w00; W0[1] = w01; W0[2] = w10; W0[3] = w11; B0[0] = b0; B0[1] = b1;
    W1[0] = v0; W1[1] = v1; B1[0] = c;
    return epochLoss;
  }

  /**
   * runFused's epoch in the WebAssembly kernel. Without shouldStop it runs the whole epoch in one
   * call and then advances the optimizer's step count by the steps taken (for SGD step() does
   * nothing else); with it, the kernel calls back after every step, which steps the optimizer and
   * asks shouldStop, so both happen in runFused's order.
   */
  function runFusedSimd(order: Uint32Array, shuffled: boolean, shouldStop?: () => boolean): number {
    simdSteps ??= createSimd221Steps(data);
    if (simdSteps === undefined) return runFused(order, shuffled, shouldStop);
    runner.stopped = false;
    P.set(W0, 0); P.set(B0, 4); P.set(W1, 6); P.set(B1, 8);
    epochShouldStop = shouldStop;
    const afterStep = shouldStop === undefined ? undefined : stepAndAsk;
    const taken = simdSteps.run(P, order, shuffled, optimizer.config.lr, afterStep);
    if (afterStep === undefined && taken > 0) {
      const state = optimizer.getState();
      optimizer.setState({ ...state, step: state.step + taken });
    }
    if (Number.isNaN(simdSteps.loss)) return Number.NaN;
    storeParams();
    return simdSteps.loss;
  }
}
