/**
 * Chooses how `fit` runs one epoch of batches. Every choice gives bit-for-bit the weights, losses
 * and optimizer state of the reference loop (forward → loss → backward → l2 → step on each batch):
 *   - the notes' 2-2-1 sigmoid/BCE network: `net221Epoch`, one fused scalar pass per row;
 *   - any other network whose activations all name a WebAssembly epilogue in their record
 *     (activations.ts `accel.wasm`), its output possibly a softmax head (cross-entropy's fused
 *     ŷ − y needs no epilogue): `wasmDenseEpoch`, operands resident in the WebAssembly SIMD
 *     kernel's memory, its products split among the pool's threads when one is given;
 *   - any other network (an activation without an epilogue, no WebAssembly SIMD, a batch too big
 *     to keep resident): `fastForward`/`fastBackward` on register-blocked kernels, with batches
 *     gathered by plain copies and the table's activations applied by the reference's loops.
 */
import { activations } from '../math/activations.js';
import type { Network, Workspace } from '../math/network.js';
import { gradientBuffers, loss } from '../math/network.js';
import type { Optimizer } from '../math/optimizers.js';
import { addWeightDecay } from '../math/optimizers.js';
import { net221Path } from './fast221.js';
import { createFastScratch, fastBackward, fastForward } from './fastDense.js';
import { wasmDenseEpoch, wasmEpilogueOf } from './fastDenseWasm.js';
import type { EpochData, EpochRunner, FastPath, RunBuffers, RunnerOptions, RunSpec } from './fastPath.js';

export type { EpochData, EpochRunner, RunnerOptions } from './fastPath.js';

const wasmDensePath: FastPath = {
  name: 'dense (WebAssembly SIMD, resident)',
  // An activation only when its record names an epilogue this kernel implements; a row-wise head as its fused output.
  supports: ({ net }) => net.layers.every((layer) => wasmEpilogueOf(layer.activation) !== undefined),
  create: ({ net, data, optimizer, batch, l2, options }) => wasmDenseEpoch(net, data, optimizer, batch, l2, options),
};

const jsDensePath: FastPath = {
  name: 'dense (JS, register-blocked)',
  // Every element-wise activation of the table: fastForward/fastBackward apply the reference's own
  // activation loops, which a row-wise one (softmax) cannot run without the layer's units.
  supports: ({ net }) => net.layers.every((layer) => activations[layer.activation].scope === 'element'),
  create: ({ net, data, optimizer, batch, l2 }, { params, grads, ws }) => denseEpoch(net, data, optimizer, params, ws, grads, batch, l2),
};

/*
 * Losses: both dense paths compute the loss and its gradient with the reference's own lossValue and
 * lossGradient (losses.ts), so every loss the table can hold (element-wise per output, fused, if at
 * all, with the output's activation) runs there with the reference's bytes, and neither path asks.
 */

/** Fastest first; `createEpochRunner` takes the first that supports the run and builds. */
export const FAST_PATHS: readonly FastPath[] = [net221Path, wasmDensePath, jsDensePath];

/** The fastest path's runner for this run, or undefined: then fit runs the reference loop. */
export function createEpochRunner(
  net: Network, data: EpochData, optimizer: Optimizer, params: Float64Array[], ws: Workspace,
  batch: number, l2: number, options: RunnerOptions = {},
): EpochRunner | undefined {
  const run: RunSpec = { net, data, optimizer, batch, l2, options };
  const buffers: RunBuffers = { params, grads: gradientBuffers(ws.grads), ws };
  for (const path of FAST_PATHS) {
    if (!path.supports(run)) continue;
    const runner = path.create(run, buffers);
    if (runner) {
      chosen = path.name;
      return runner;
    }
  }
  chosen = undefined;
  return undefined;
}

let chosen: string | undefined;

/** The `name` of the FAST_PATHS entry the last createEpochRunner chose, or undefined (the reference loop): for tests. */
export function lastChosenPath(): string | undefined {
  return chosen;
}

function denseEpoch(
  net: Network, data: EpochData, optimizer: Optimizer, params: Float64Array[], ws: Workspace,
  grads: Float64Array[], batch: number, l2: number,
): EpochRunner {
  const k = net.layers[0].inputs;
  const m = net.layers[net.layers.length - 1].units;
  const scratch = createFastScratch(net, batch);
  const weights = net.layers.map((layer) => layer.weights);
  // A full batch is never shuffled, so only mini-batches need gathering buffers.
  const gathering = batch < data.n;
  const Xb = new Float64Array(gathering ? batch * k : 0);
  const Yb = new Float64Array(gathering ? batch * m : 0);
  const Wb = data.sampleWeight && gathering ? new Float64Array(batch) : undefined;
  const { n } = data;

  const runner: EpochRunner = { run, stopped: false };
  return runner;

  function run(order: Uint32Array, shuffled: boolean, shouldStop?: () => boolean): number {
    runner.stopped = false;
    let epochLoss = 0;
    for (let start = 0; start < n; start += batch) {
      const rows = Math.min(batch, n - start);
      let X: Float64Array, Y: Float64Array, W: Float64Array | undefined;
      if (shuffled) {
        gatherRows(Xb, data.X, order, start, rows, k);
        gatherRows(Yb, data.Y, order, start, rows, m);
        if (Wb && data.sampleWeight) gatherRows(Wb, data.sampleWeight, order, start, rows, 1);
        X = Xb; Y = Yb; W = Wb;
      } else {
        X = data.X.subarray(start * k, (start + rows) * k);
        Y = data.Y.subarray(start * m, (start + rows) * m);
        W = data.sampleWeight?.subarray(start, start + rows);
      }
      fastForward(net, X, rows, ws, scratch);
      const batchLoss = loss(net, Y, rows, ws, W);
      if (!Number.isFinite(batchLoss)) return Number.NaN;
      epochLoss += batchLoss * rows;
      fastBackward(net, X, Y, rows, ws, scratch, W);
      if (l2 > 0) addWeightDecay(weights, ws.grads.weights, l2);
      optimizer.step(params, grads);
      if (shouldStop?.()) {
        runner.stopped = true;
        break;
      }
    }
    return epochLoss;
  }
}

/** dst[r] = src[order[start + r]] for rows of `width` values. */
function gatherRows(
  dst: Float64Array, src: Float64Array, order: Uint32Array, start: number, rows: number, width: number,
): void {
  for (let r = 0; r < rows; r++) {
    const from = order[start + r] * width;
    const to = r * width;
    for (let c = 0; c < width; c++) dst[to + c] = src[from + c];
  }
}
