/**
 * Binary classification metrics. A row is predicted positive when its probability is strictly
 * greater than the threshold; a label counts as positive when it is ≥ 0.5. Precision and recall
 * with a zero denominator are 0 (scikit-learn's zero_division=0), and so is F1 when both are 0.
 */

export function accuracy(probability: Float64Array, y: Float64Array, threshold = 0.5): number {
  let correct = 0;
  for (let i = 0; i < probability.length; i++) if ((probability[i] > threshold ? 1 : 0) === (y[i] >= 0.5 ? 1 : 0)) correct++;
  return probability.length ? correct / probability.length : NaN;
}

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function confusion(probability: Float64Array, y: Float64Array, threshold = 0.5): Confusion {
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < probability.length; i++) {
    const predicted = probability[i] > threshold;
    const actual = y[i] >= 0.5;
    if (predicted && actual) c.tp++;
    else if (predicted) c.fp++;
    else if (actual) c.fn++;
    else c.tn++;
  }
  return c;
}

const ratio = (num: number, den: number): number => (den > 0 ? num / den : 0);

export function precision(c: Confusion): number {
  return ratio(c.tp, c.tp + c.fp);
}

export function recall(c: Confusion): number {
  return ratio(c.tp, c.tp + c.fn);
}

/** F1 = 2PR/(P+R), written as 2tp/(2tp+fp+fn), which is the same and 0 when tp = 0. */
export function f1(c: Confusion): number {
  return ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn);
}

/**
 * ROC AUC in its Mann–Whitney form: the probability that a random positive scores above a random
 * negative, ties counting one half. Computed from midranks (tied scores share the mean of their
 * ranks), which equals the trapezoidal area under the ROC curve. NaN when a class is absent.
 */
export function rocAuc(score: Float64Array, y: Float64Array): number {
  const n = score.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let rankSumPositive = 0;
  let positives = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && score[order[end]] === score[order[start]]) end++;
    // Ranks start + 1 … end share their mean.
    const midrank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (y[order[k]] >= 0.5) {
        rankSumPositive += midrank;
        positives++;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Probabilities are clipped to [eps, 1 − eps] before the log, as scikit-learn does. */
export const LOG_LOSS_EPS = 1e-15;

/** Mean binary cross-entropy of probabilities, clipped by LOG_LOSS_EPS so a confident miss is finite. */
export function logLoss(probability: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < probability.length; i++) {
    const p = Math.min(Math.max(probability[i], LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    s -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
  }
  return probability.length ? s / probability.length : NaN;
}

/**
 * Mean binary cross-entropy from logits z (ŷ = σ(z)): max(z,0) − z·y + log(1 + e^{−|z|}), exact
 * where 1 − σ(z) rounds to 0 in floating point.
 */
export function logLossFromLogits(logit: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < logit.length; i++) {
    const z = logit[i];
    s += Math.max(z, 0) - z * y[i] + Math.log1p(Math.exp(-Math.abs(z)));
  }
  return logit.length ? s / logit.length : NaN;
}

export interface Evaluation {
  rows: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number;
  logLoss: number;
  threshold: number;
  confusion: Confusion;
}

/** Every metric of `chainrule evaluate`; pass logits for an exact log loss of a sigmoid output. */
export function evaluate(probability: Float64Array, y: Float64Array, threshold: number, logit?: Float64Array): Evaluation {
  const c = confusion(probability, y, threshold);
  return {
    rows: probability.length,
    accuracy: accuracy(probability, y, threshold),
    precision: precision(c),
    recall: recall(c),
    f1: f1(c),
    // σ is monotone, so logits rank the rows exactly where probabilities near 1 would round to ties.
    rocAuc: rocAuc(logit ?? probability, y),
    logLoss: logit ? logLossFromLogits(logit, y) : logLoss(probability, y),
    threshold,
    confusion: c,
  };
}
