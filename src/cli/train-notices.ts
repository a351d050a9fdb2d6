/**
 * What `chainrule train` warns about once training has ended: a loss that ends above where it
 * started or above a constant prediction's, the usual sign of too large a learning rate.
 */

/**
 * The loss of always predicting the base rate p of the positive class: the least a trained
 * network should beat (BCE: the entropy of p; MSE: p(1 − p); with balanced class weights both
 * classes weigh alike, so p counts as 1/2). Undefined for another loss.
 */
export function constantLoss(p: number, loss: string, balanced: boolean): number | undefined {
  const q = balanced ? 0.5 : p;
  if (loss === 'bce') return q <= 0 || q >= 1 ? 0 : -(q * Math.log(q) + (1 - q) * Math.log(1 - q));
  if (loss === 'mse') return q * (1 - q);
  return undefined;
}

/**
 * A warning when training ended with a loss above where it started (its first epoch's), or above
 * the loss of a constant prediction: the usual sign of too large a learning rate (`--lr 1e6`
 * ends near 95,000 with every epoch's loss huge, the first included).
 */
export function lossWarning(history: readonly { loss: number }[], lr: number, constant?: number): string | undefined {
  if (history.length === 0) return undefined;
  const first = history[0].loss;
  const last = history[history.length - 1].loss;
  const advice = `the learning rate may be too large: try a smaller --lr than ${lr}`;
  if (history.length >= 2 && last > first) {
    return `chainrule: warning: the training loss rose from ${first.toPrecision(6)} (epoch 1) to ${last.toPrecision(6)} (epoch ${history.length}); ${advice}`;
  }
  // A wide margin: on data with no signal, or after a few epochs on a handful of rows, a network
  // ends at or a little above the constant's loss without anything being wrong.
  if (constant !== undefined && last > constant * 1.5 + 1e-3) {
    return `chainrule: warning: the training loss ${last.toPrecision(6)} (epoch ${history.length}) is above ${constant.toPrecision(6)}, the loss of always predicting the base rate; ${advice}`;
  }
  return undefined;
}
