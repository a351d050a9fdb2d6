/**
 * chainrule's own `fit`, with its default (fast, bit-identical) kernels or the readable reference
 * loop, and optionally a pool of worker threads (created before the clock starts, as PyTorch's
 * threads are). Threads split the products of dense layers, so they apply to workload B only; A
 * and C run the notes' 2-2-1 network on its own single-threaded path whatever the pool.
 */
import { createRng } from '../../dist/math/rng.js';
import { predict } from '../../dist/math/network.js';
import { optimizerConfig } from '../../dist/math/optimizers.js';
import { fit } from '../../dist/train/fit.js';
import { createThreadPool } from '../../dist/accel/threads.js';

export function makeTrainer(kernels, threads = 1) {
  return async (workload, data, layers, epochs) => {
    const pool = threads > 1 ? await createThreadPool(threads) : undefined;
    const net = {
      loss: 'bce',
      layers: layers.map((l) => ({ ...l, weights: Float64Array.from(l.weights), bias: Float64Array.from(l.bias) })),
    };
    return {
      train() {
        fit(net, { X: data.X, Y: data.Y, n: data.n }, {
          epochs, batchSize: workload.batch, optimizer: optimizerConfig(workload.optimizer, workload.lr),
          rng: createRng(5), shuffle: workload.name === 'B', kernels, pool,
        });
      },
      probabilities: () => predict(net, data.X, data.n),
    };
  };
}
