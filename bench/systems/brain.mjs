/**
 * brain.js (1.x, its CPU NeuralNetwork) with its normal API. It has no full-batch or mini-batch
 * mode (every row is its own update), one activation for every layer including the output, and
 * its own squared-error objective; learning rate must be in (0, 1) and momentum in (0, 1), so
 * "no momentum" is 1e-10. The figures are indicative of its speed, not an identical model.
 */
import brain from 'brain.js';

export function train(workload, data, layers, epochs) {
  const { X, Y, n, features } = data;
  const rows = [];
  for (let i = 0; i < n; i++) rows.push({ input: Array.from(X.subarray(i * features, (i + 1) * features)), output: [Y[i]] });
  const net = new brain.NeuralNetwork({ hiddenLayers: workload.hidden, activation: workload.activation });
  return {
    train() {
      net.train(rows, {
        iterations: epochs, errorThresh: 1e-12, learningRate: workload.lr, momentum: 1e-10, log: false,
        ...(workload.optimizer === 'adam' ? { praxis: 'adam' } : {}),
      });
    },
    probabilities() {
      const p = new Float64Array(n);
      for (let i = 0; i < n; i++) p[i] = net.run(rows[i].input)[0];
      return p;
    },
  };
}
