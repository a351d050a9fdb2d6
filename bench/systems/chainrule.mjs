/** chainrule's own `fit`, with its default (fast, bit-identical) kernels or the readable reference loop. */
import { createRng } from '../../dist/core/rng.js';
import { predict } from '../../dist/nn/network.js';
import { optimizerConfig } from '../../dist/optim/optimizers.js';
import { fit } from '../../dist/train/fit.js';

export function makeTrainer(kernels) {
  return (workload, data, layers, epochs) => {
    const net = {
      loss: 'bce',
      layers: layers.map((l) => ({ ...l, weights: Float64Array.from(l.weights), bias: Float64Array.from(l.bias) })),
    };
    return {
      train() {
        fit(net, { X: data.X, Y: data.Y, n: data.n }, {
          epochs, batchSize: workload.batch, optimizer: optimizerConfig(workload.optimizer, workload.lr),
          rng: createRng(5), shuffle: workload.name === 'B', kernels,
        });
      },
      probabilities: () => predict(net, data.X, data.n),
    };
  };
}
