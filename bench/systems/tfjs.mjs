/**
 * TensorFlow.js (tfjs-core) with its plain-JavaScript 'cpu' or its 'wasm' backend, used the normal
 * way: variables, `optimizer.minimize` of `tf.losses.sigmoidCrossEntropy` on the logits (float32,
 * the only dtype it trains in); a multi-class workload minimises `tf.losses.softmaxCrossEntropy`
 * of one-hot rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

// tfjs-core's Node bundle has no gradients: register them as the umbrella package does.
await import('./tfjs-gradients.mjs');
await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
tf.env().set('PROD', true);

export function makeTrainer(backend) {
  return async (workload, data, layers, epochs) => {
    await tf.setBackend(backend);
    await tf.ready();
    const { n, features } = data;
    const X = tf.tensor2d(Float32Array.from(data.X), [n, features]);
    const { classes } = workload;
    const Y = classes === undefined
      ? tf.tensor2d(Float32Array.from(data.Y), [n, 1])
      : tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(data.Y), 'int32'), classes), 'float32');
    const params = layers.map((l) => ({
      W: tf.variable(tf.tensor2d(Float32Array.from(l.weights), [l.units, l.inputs])),
      b: tf.variable(tf.tensor1d(Float32Array.from(l.bias))),
      relu: l.activation === 'relu',
    }));
    const logits = (x) => {
      let h = x;
      params.forEach((p, i) => {
        const z = tf.add(tf.matMul(h, p.W, false, true), p.b);
        h = i === params.length - 1 ? z : p.relu ? tf.relu(z) : tf.sigmoid(z);
      });
      return h;
    };
    const optimizer = workload.optimizer === 'adam' ? tf.train.adam(workload.lr, 0.9, 0.999, 1e-8) : tf.train.sgd(workload.lr);
    const minimize = (x, y) => tf.tidy(() => {
      optimizer.minimize(() => (classes === undefined ? tf.losses.sigmoidCrossEntropy(y, logits(x)) : tf.losses.softmaxCrossEntropy(y, logits(x))));
    });
    let seed = 777;
    return {
      async train() {
        for (let epoch = 0; epoch < epochs; epoch++) {
          if (workload.batch === 'full') {
            minimize(X, Y);
          } else if (workload.batch === 1) {
            for (let i = 0; i < n; i++) {
              tf.tidy(() => minimize(tf.slice(X, [i, 0], [1, features]), tf.slice(Y, [i, 0], [1, 1])));
            }
          } else {
            const order = Int32Array.from({ length: n }, (_, i) => i);
            for (let i = n - 1; i > 0; i--) {
              seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
              const j = seed % (i + 1);
              const t = order[i]; order[i] = order[j]; order[j] = t;
            }
            for (let start = 0; start < n; start += workload.batch) {
              const rows = Math.min(workload.batch, n - start);
              tf.tidy(() => {
                const idx = tf.tensor1d(order.subarray(start, start + rows), 'int32');
                minimize(tf.gather(X, idx), tf.gather(Y, idx));
              });
            }
          }
        }
        // Make sure queued work has finished before the clock stops.
        await params[0].W.data();
      },
      probabilities: () => Float64Array.from(tf.tidy(() => (classes === undefined ? tf.sigmoid(logits(X)) : tf.softmax(logits(X)))).dataSync()),
    };
  };
}
