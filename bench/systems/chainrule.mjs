/**
 * chainrule's own `fit`, with its default (fast, bit-identical) kernels or the readable reference
 * loop, and optionally a pool of worker threads (created before the clock starts, as PyTorch's
 * threads are). Threads split the products of dense layers wide enough to pay for them, so they apply
 * to workload B (D's products are below that size and run on one thread); A and C run the notes'
 * 2-2-1 network on its own single-threaded path whatever the pool.
 */
import { createRng } from '../../dist/math/rng.js';
import { predict } from '../../dist/math/network.js';
import { optimizerConfig } from '../../dist/math/optimizers.js';
import { fit } from '../../dist/train/fit.js';
import { createThreadPool } from '../../dist/accel/threads.js';
import { simd221Available } from '../../dist/accel/simd221.js';
import { gemmModule } from '../../dist/accel/wasm/simdKernels.js';

/** One-hot rows [n × classes] from class indices, the targets a softmax network trains on. */
export function oneHot(Y, classes) {
  const out = new Float64Array(Y.length * classes);
  for (let i = 0; i < Y.length; i++) out[i * classes + Y[i]] = 1;
  return out;
}

export function makeTrainer(kernels, threads = 1) {
  return async (workload, data, layers, epochs) => {
    const pool = threads > 1 ? await createThreadPool(threads) : undefined;
    // The kernels are built on the first fit that wants them (~30 ms for the 2-2-1 one: assembly,
    // bit check, warm-up); build them here, before the clock, as importing the library did until
    // that moved and as PyTorch's are built ahead of time.
    if (kernels !== 'reference') {
      simd221Available();
      gemmModule(false);
    }
    const Y = workload.classes === undefined ? data.Y : oneHot(data.Y, workload.classes);
    const net = {
      loss: workload.classes === undefined ? 'bce' : 'cross_entropy',
      layers: layers.map((l) => ({ ...l, weights: Float64Array.from(l.weights), bias: Float64Array.from(l.bias) })),
    };
    return {
      train() {
        fit(net, { X: data.X, Y, n: data.n }, {
          epochs, batchSize: workload.batch, optimizer: optimizerConfig(workload.optimizer, workload.lr),
          rng: createRng(5), shuffle: workload.shuffle === true, kernels, pool,
        });
      },
      probabilities: () => predict(net, data.X, data.n),
    };
  };
}
