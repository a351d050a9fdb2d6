/**
 * Forward and backward passes for any dense network, bit-identical to `forward`/`backward` in
 * `math/network.ts` but built on WebAssembly SIMD (`simdMatmul`) where the engine has it and on the
 * register-blocked `gemmABt` otherwise. The reference sums each weight gradient over rows and
 * each input gradient over units, in order; the operands below (transposed where needed) keep
 * exactly those orders while letting the kernels read contiguously. The usual dense path is
 * fastDenseWasm.ts; this one runs without WebAssembly SIMD and for batches too big to keep resident.
 */
import { gemmABt, transpose } from './fastKernels.js';
import { simdEnabled, simdMatmul } from './wasm/simdKernels.js';
import { sumRows } from '../math/kernels.js';
import { activate, activationBackward } from '../math/activations.js';
import { lossGradient } from '../math/losses.js';
import type { Network, Workspace } from '../math/network.js';

/** Transposed scratch copies, sized for one batch capacity. Owned by the trainer, never serialized. */
export interface FastScratch {
  /** The layer input transposed, [inputs × capacity], one per layer. */
  readonly inputT: Float64Array[];
  /** dZ transposed, [units × capacity], one per layer. */
  readonly deltaT: Float64Array[];
  /** Weights transposed, [inputs × units], one per layer. */
  readonly weightsT: Float64Array[];
}

export function createFastScratch(net: Network, capacity: number): FastScratch {
  return {
    inputT: net.layers.map((layer) => new Float64Array(layer.inputs * capacity)),
    deltaT: net.layers.map((layer) => new Float64Array(layer.units * capacity)),
    weightsT: net.layers.map((layer) => new Float64Array(layer.inputs * layer.units)),
  };
}

/** Same contract as `forward`: Z = X·Wᵀ + b, A = act(Z) for n rows; returns the output activations. */
export function fastForward(net: Network, X: Float64Array, n: number, ws: Workspace, scratch: FastScratch): Float64Array {
  if (n > ws.capacity) throw new RangeError(`batch of ${n} rows exceeds workspace capacity ${ws.capacity}`);
  let input = X;
  for (let l = 0; l < net.layers.length; l++) {
    const layer = net.layers[l];
    const units = layer.units;
    const Z = ws.Z[l];
    // Z = X·(Wᵀ) with Wᵀ [inputs × units] row-major: lanes run across units, sums over inputs in order.
    const simd = simdEnabled();
    if (simd) transpose(scratch.weightsT[l], layer.weights, units, layer.inputs);
    if (!simd || !simdMatmul(Z, input, scratch.weightsT[l], n, layer.inputs, units)) {
      gemmABt(Z, input, layer.weights, n, layer.inputs, units);
    }
    const bias = layer.bias;
    for (let i = 0; i < n; i++) {
      const row = i * units;
      for (let j = 0; j < units; j++) Z[row + j] += bias[j];
    }
    activate(layer.activation, Z, ws.A[l], n * units);
    input = ws.A[l];
  }
  return input;
}

/** Same contract as `backward`: fills ws.grads with the gradients of the mean loss after `fastForward`. */
export function fastBackward(
  net: Network, X: Float64Array, Y: Float64Array, n: number, ws: Workspace, scratch: FastScratch,
  sampleWeight?: Float64Array,
): void {
  const last = net.layers.length - 1;
  const out = net.layers[last];
  const fused = lossGradient(net.loss, ws.Z[last], ws.A[last], Y, ws.dA[last], n * out.units, out.units, sampleWeight);
  if (fused) ws.dZ[last].set(ws.dA[last].subarray(0, n * out.units));
  for (let l = last; l >= 0; l--) {
    const layer = net.layers[l];
    const { inputs, units } = layer;
    const delta = ws.dZ[l];
    if (l < last || !fused) activationBackward(layer.activation, ws.dA[l], ws.Z[l], ws.A[l], delta, n * units);
    const input = l === 0 ? X : ws.A[l - 1];
    // dW[j,i] = Σ_rows dZ[r,j]·input[r,i], rows in order: a dot product of row j of dZᵀ and row i of inputᵀ.
    transpose(scratch.deltaT[l], delta, n, units);
    if (!simdMatmul(ws.grads.weights[l], scratch.deltaT[l], input, units, n, inputs)) {
      transpose(scratch.inputT[l], input, n, inputs);
      gemmABt(ws.grads.weights[l], scratch.deltaT[l], scratch.inputT[l], units, n, inputs);
    }
    sumRows(ws.grads.bias[l], delta, n, units);
    if (l > 0) {
      // dA_prev[r,i] = Σ_j dZ[r,j]·W[j,i], units in order: row r of dZ against column i of W.
      if (!simdMatmul(ws.dA[l - 1], delta, layer.weights, n, units, inputs)) {
        transpose(scratch.weightsT[l], layer.weights, units, inputs);
        gemmABt(ws.dA[l - 1], delta, scratch.weightsT[l], n, units, inputs);
      }
    }
  }
}
