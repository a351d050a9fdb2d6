/**
 * The notes' Net 2 (2 inputs → 2 sigmoid units → 1 sigmoid output, binary cross-entropy) written
 * out in scalars: one fused pass per row does the forward step, the loss and the backward step,
 * accumulating the nine gradients in registers. It performs the reference's floating-point
 * operations in the reference's order (each gradient summed over the batch's rows in row order,
 * each dot product started at 0), so the trained weights are bit-identical to `fit`'s generic
 * path; it only skips the buffers and the function calls between them.
 */
import type { Network } from '../nn/network.js';
import type { Optimizer } from '../optim/optimizers.js';
import type { EpochRunner } from './fastEpoch.js';

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
  const lr = optimizer.config.lr;

  const runner: EpochRunner = { run, stopped: false };
  return runner;

  function run(order: Uint32Array, shuffled: boolean, shouldStop?: () => boolean): number {
    runner.stopped = false;
    let w00 = W0[0], w01 = W0[1], w10 = W0[2], w11 = W0[3], b0 = B0[0], b1 = B0[1];
    let v0 = W1[0], v1 = W1[1], c = B1[0];
    let epochLoss = 0;
    for (let start = 0; start < n; start += batch) {
      const rows = Math.min(batch, n - start);
      const inv = 1 / rows;
      let s = 0;
      let g00 = 0, g01 = 0, g10 = 0, g11 = 0, gb0 = 0, gb1 = 0, gv0 = 0, gv1 = 0, gc = 0;
      for (let r = 0; r < rows; r++) {
        const row = shuffled ? order[start + r] : start + r;
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
        // Backward: delta = ∂L/∂z = (ŷ − y)/rows (·sample weight), then the chain rule down.
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
      const batchLoss = s / rows;
      if (!Number.isFinite(batchLoss)) {
        return Number.NaN;
      }
      epochLoss += batchLoss * rows;
      if (l2 > 0) {
        g00 += l2 * w00; g01 += l2 * w01; g10 += l2 * w10; g11 += l2 * w11;
        gv0 += l2 * v0; gv1 += l2 * v1;
      }
      if (inlineSgd) {
        w00 -= lr * g00; w01 -= lr * g01; w10 -= lr * g10; w11 -= lr * g11;
        b0 -= lr * gb0; b1 -= lr * gb1;
        v0 -= lr * gv0; v1 -= lr * gv1; c -= lr * gc;
        // Keeps the optimizer's step count (saved in checkpoints) what the generic path leaves.
        optimizer.step(NO_BUFFERS, NO_BUFFERS);
      } else {
        const [gW0, gB0, gW1, gB1] = grads;
        gW0[0] = g00; gW0[1] = g01; gW0[2] = g10; gW0[3] = g11; gB0[0] = gb0; gB0[1] = gb1;
        gW1[0] = gv0; gW1[1] = gv1; gB1[0] = gc;
        W0[0] = w00; W0[1] = w01; W0[2] = w10; W0[3] = w11; B0[0] = b0; B0[1] = b1;
        W1[0] = v0; W1[1] = v1; B1[0] = c;
        optimizer.step(params, grads);
        w00 = W0[0]; w01 = W0[1]; w10 = W0[2]; w11 = W0[3]; b0 = B0[0]; b1 = B0[1];
        v0 = W1[0]; v1 = W1[1]; c = B1[0];
      }
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
}
