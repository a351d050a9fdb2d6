/** Classification metrics at a threshold: probability > threshold means the positive class. */

export function accuracy(probability: Float64Array, y: Float64Array, threshold = 0.5): number {
  let correct = 0;
  for (let i = 0; i < probability.length; i++) if ((probability[i] > threshold ? 1 : 0) === (y[i] >= 0.5 ? 1 : 0)) correct++;
  return probability.length ? correct / probability.length : NaN;
}
