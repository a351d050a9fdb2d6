/**
 * The notes' Net 2 (2 inputs → 2 sigmoid units → 1 sigmoid output, binary cross-entropy) trained
 * without the generic buffers: per row, math/net2.ts's forward pass, loss and nine gradients (the
 * notes' names, the reference's operations in the reference's order), summed over the batch's rows
 * in row order from 0, so the trained weights are bit-identical to `fit`'s generic path. The
 * per-row calls cost about 1% (within the noise): the engine inlines them and keeps their result
 * objects in registers (1,000-row epochs, JS loop, CPU time: batch 1 SGD 40.6 ms against 40.1 ms
 * for 300 epochs, batch 32 242 ms against 241 ms for 2,000, against the hand-fused copy). Batches
 * of SIMD_MIN_ROWS rows or more run the same pass in WebAssembly SIMD (simd221.ts), and so does
 * the one-sample SGD loop (simd221Steps.ts), with the same bytes.
 */
import type { Net2Params } from '../math/net2.js';
import { isNet2, net2Forward, net2Gradients, net2Loss } from '../math/net2.js';
import type { Network } from '../math/network.js';
import type { Optimizer } from '../math/optimizers.js';
import type { EpochRunner, FastPath } from './fastPath.js';
import type { Simd221Batches, Simd221Steps } from './simd221.js';
import { createSimd221Batches, createSimd221Steps, simd221Enabled } from './simd221.js';

/** True for the shape this path handles: 2-2-1, sigmoid hidden and output units, BCE. */
export const isNet221 = isNet2;

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
 * One batch of the fused pass with P = [w11, w21, w12, w22, b1, b2, w1, w2, b3] (net2.ts
 * NET2_PARAMS: layers[0].weights row-major, its bias, layers[1].weights, its bias). Writes
 * G = [Σ loss, then ∂J/∂ each parameter in P's order], each gradient summed in row order from 0.
 */
function accumulateBatch(
  P: Float64Array, G: Float64Array, X: Float64Array, Y: Float64Array, sw: Float64Array | undefined,
  order: Uint32Array, shuffled: boolean, start: number, rows: number,
): void {
  const p: Net2Params = { w11: P[0], w21: P[1], w12: P[2], w22: P[3], b1: P[4], b2: P[5], w1: P[6], w2: P[7], b3: P[8] };
  const inv = 1 / rows;
  let s = 0;
  let g11 = 0, g21 = 0, g12 = 0, g22 = 0, gb1 = 0, gb2 = 0, gw1 = 0, gw2 = 0, gb3 = 0;
  for (let r = 0; r < rows; r++) {
    const row = shuffled ? order[start + r] : start + r;
    const x1 = X[2 * row], x2 = X[2 * row + 1], y = Y[row];
    const f = net2Forward(p, x1, x2);
    const l = net2Loss(f, y);
    // ∂(mean J)/∂z_f of this row, as losses.ts `lossGradient` computes it.
    let dJ_dzf: number;
    if (sw === undefined) {
      s += l;
      dJ_dzf = (f.yhat - y) * inv;
    } else {
      const w = sw[row];
      s += w * l;
      dJ_dzf = (f.yhat - y) * inv * w;
    }
    const g = net2Gradients(p, x1, x2, f, dJ_dzf);
    g11 += g.w11; g21 += g.w21; g12 += g.w12; g22 += g.w22; gb1 += g.b1; gb2 += g.b2;
    gw1 += g.w1; gw2 += g.w2; gb3 += g.b3;
  }
  G[0] = s;
  G[1] = g11; G[2] = g21; G[3] = g12; G[4] = g22; G[5] = gb1; G[6] = gb2; G[7] = gw1; G[8] = gw2; G[9] = gb3;
}

/**
 * An epoch runner (see `EpochRunner`) for batches of `batch` rows. SGD that fit built is applied
 * inline, θ ← θ − η·∂J/∂θ on the nine parameters (and the optimizer's step count advanced); any
 * other optimizer gets the gradients through `grads` and its own `step`.
 */
export function net221Epoch(
  net: Network, data: Net221Data, optimizer: Optimizer, params: Float64Array[], grads: Float64Array[],
  batch: number, l2: number, builtinOptimizer = false,
): EpochRunner {
  const W0 = net.layers[0].weights, B0 = net.layers[0].bias;
  const W1 = net.layers[1].weights, B1 = net.layers[1].bias;
  const { X, Y, n } = data;
  const sw = data.sampleWeight;
  // Only an optimizer fit built from its config is known to step θ ← θ − η·g; any other keeps its own step.
  const inlineSgd = builtinOptimizer && optimizer.config.name === 'sgd';
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
    // Parameters live in locals during the epoch (no closure captures them, so they stay in registers).
    let w11 = W0[0], w21 = W0[1], w12 = W0[2], w22 = W0[3], b1 = B0[0], b2 = B0[1];
    let w1 = W1[0], w2 = W1[1], b3 = B1[0];
    let epochLoss = 0;
    for (let r = 0; r < n; r++) {
      const row = shuffled ? order[r] : r;
      const x1 = X[2 * row], x2 = X[2 * row + 1], y = Y[row];
      const p: Net2Params = { w11, w21, w12, w22, b1, b2, w1, w2, b3 };
      const f = net2Forward(p, x1, x2);
      const l = net2Loss(f, y);
      if (!Number.isFinite(l)) return Number.NaN;
      epochLoss += l;
      // A batch of one: ∂J/∂z_f = ŷ − y (the reference's ·(1/1) is exact), and each gradient is
      // already the one-row sum, so θ ← θ − η·∂J/∂θ gives the reference's bits.
      const g = net2Gradients(p, x1, x2, f, f.yhat - y);
      w11 -= lr * g.w11; w21 -= lr * g.w21; w12 -= lr * g.w12; w22 -= lr * g.w22;
      b1 -= lr * g.b1; b2 -= lr * g.b2;
      w1 -= lr * g.w1; w2 -= lr * g.w2; b3 -= lr * g.b3;
      // Keeps the optimizer's step count (saved in checkpoints) what the generic path leaves.
      optimizer.step(NO_BUFFERS, NO_BUFFERS);
      if (shouldStop !== undefined && shouldStop()) {
        runner.stopped = true;
        break;
      }
    }
    W0[0] = w11; W0[1] = w21; W0[2] = w12; W0[3] = w22; B0[0] = b1; B0[1] = b2;
    W1[0] = w1; W1[1] = w2; B1[0] = b3;
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

/**
 * The 2-2-1 path in the FastPath contract: Net 2's shape (2 inputs, 2 sigmoid hidden units, one
 * sigmoid output, BCE) with any optimizer, batch size, sample weights and L2; everything else is
 * written as net2.ts's per-row functions, so no other shape, activation or loss can reach it.
 */
export const net221Path: FastPath = {
  name: '2-2-1 (JS, WebAssembly SIMD)',
  supports: ({ net }) => isNet2(net),
  create: ({ net, data, optimizer, batch, l2, options }, { params, grads }) =>
    net221Epoch(net, data, optimizer, params, grads, batch, l2, options.builtinOptimizer === true),
};
