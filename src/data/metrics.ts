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

/** R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², ȳ the mean of these rows (NaN when y is constant or there are none). */
export function r2Score(prediction: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    residual += (y[i] - prediction[i]) ** 2;
    total += (y[i] - mean) ** 2;
  }
  return total > 0 ? 1 - residual / total : NaN;
}

/** `evaluate --json` for a regression model, in the target's raw units. */
export interface RegressionEvaluation {
  rows: number;
  mse: number;
  rmse: number;
  mae: number;
  r2: number;
}

export function evaluateRegression(prediction: ArrayLike<number>, y: ArrayLike<number>): RegressionEvaluation {
  const n = y.length;
  let squares = 0;
  let absolute = 0;
  for (let i = 0; i < n; i++) {
    const d = prediction[i] - y[i];
    squares += d * d;
    absolute += Math.abs(d);
  }
  const mse = n ? squares / n : NaN;
  return { rows: n, mse, rmse: Math.sqrt(mse), mae: n ? absolute / n : NaN, r2: r2Score(prediction, y) };
}

export interface ClassReport {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** `evaluate --json` for a multiclass model (scikit-learn's classification_report and confusion_matrix). */
export interface MulticlassEvaluation {
  rows: number;
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  logLoss: number;
  classes: string[];
  perClass: ClassReport[];
  /** confusion[i][j]: rows of true class i predicted as class j. */
  confusion: number[][];
}

/** The index of each row's largest probability (the first on a tie) of [n × k] outputs. */
export function argmaxRows(probability: ArrayLike<number>, k: number): Int32Array {
  const n = probability.length / k;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probability[r * k + c] > probability[r * k + best]) best = c;
    out[r] = best;
  }
  return out;
}

/**
 * Every multiclass metric from probabilities [n × k] and true class indices. With the logits the
 * log loss is exact (logsumexp(z) − z_y, as training computes it); from probabilities it clips
 * p_y at LOG_LOSS_EPS. Precision of a class never predicted is 0 (scikit-learn's zero_division).
 */
export function evaluateMulticlass(
  probability: ArrayLike<number>, truth: Int32Array, classes: readonly string[], logit?: ArrayLike<number>,
): MulticlassEvaluation {
  const k = classes.length;
  const n = truth.length;
  const predicted = argmaxRows(probability, k);
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let loss = 0;
  for (let r = 0; r < n; r++) {
    matrix[truth[r]][predicted[r]]++;
    if (logit) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, logit[r * k + c]);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(logit[r * k + c] - max);
      loss += max + Math.log(sum) - logit[r * k + truth[r]];
    } else {
      loss += -Math.log(Math.max(probability[r * k + truth[r]], LOG_LOSS_EPS));
    }
  }
  const perClass = classes.map((name, c): ClassReport => {
    const tp = matrix[c][c];
    const support = matrix[c].reduce((a, b) => a + b, 0);
    const predictedAs = matrix.reduce((a, row) => a + row[c], 0);
    const p = predictedAs ? tp / predictedAs : 0;
    const rc = support ? tp / support : 0;
    return { class: name, precision: p, recall: rc, f1: p + rc > 0 ? (2 * p * rc) / (p + rc) : 0, support };
  });
  let right = 0;
  for (let c = 0; c < k; c++) right += matrix[c][c];
  return {
    rows: n,
    accuracy: n ? right / n : NaN,
    macroF1: perClass.reduce((a, r) => a + r.f1, 0) / k,
    weightedF1: n ? perClass.reduce((a, r) => a + r.f1 * r.support, 0) / n : NaN,
    logLoss: n ? loss / n : NaN,
    classes: [...classes],
    perClass,
    confusion: matrix,
  };
}
