/**
 * The curves of a binary classifier's scores, for the report: ROC, precision–recall with average
 * precision, calibration bins with the Brier score, and precision/recall across thresholds. A
 * score may be a probability or a logit (any increasing function of it gives the same ROC and PR
 * curves); tied scores are one step of a curve, as scikit-learn's roc_curve / precision_recall_curve.
 */

export interface CurvePoint {
  /** Rows with a score ≥ this are called positive at this point. */
  threshold: number;
  tp: number;
  fp: number;
}

/** One point per distinct score, from the highest down, after a (0, 0) start at +∞. */
function sweep(score: ArrayLike<number>, y: ArrayLike<number>): { points: CurvePoint[]; positives: number; negatives: number } {
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a]);
  const points: CurvePoint[] = [{ threshold: Infinity, tp: 0, fp: 0 }];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n;) {
    const s = score[order[k]];
    for (; k < n && score[order[k]] === s; k++) {
      if (y[order[k]] >= 0.5) tp++;
      else fp++;
    }
    points.push({ threshold: s, tp, fp });
  }
  return { points, positives: tp, negatives: fp };
}

export interface RocPoint { threshold: number; fpr: number; tpr: number }

/** The ROC curve from (0, 0) to (1, 1); empty when a class is absent. */
export function rocCurve(score: ArrayLike<number>, y: ArrayLike<number>): RocPoint[] {
  const { points, positives, negatives } = sweep(score, y);
  if (positives === 0 || negatives === 0) return [];
  return points.map((p) => ({ threshold: p.threshold, fpr: p.fp / negatives, tpr: p.tp / positives }));
}

/** The trapezoidal area under a ROC curve (equals the Mann–Whitney AUC with ties as one half). */
export function areaUnder(curve: readonly RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < curve.length; i++) area += ((curve[i].fpr - curve[i - 1].fpr) * (curve[i].tpr + curve[i - 1].tpr)) / 2;
  return curve.length ? area : NaN;
}

export interface PrPoint { threshold: number; recall: number; precision: number }

/** Precision–recall points, one per distinct score from the highest down (recall rising); empty without positives. */
export function prCurve(score: ArrayLike<number>, y: ArrayLike<number>): PrPoint[] {
  const { points, positives } = sweep(score, y);
  if (positives === 0) return [];
  return points.slice(1).map((p) => ({ threshold: p.threshold, recall: p.tp / positives, precision: p.tp / (p.tp + p.fp) }));
}

/** Average precision AP = Σₖ (Rₖ − Rₖ₋₁)·Pₖ over the PR points (scikit-learn's average_precision_score). */
export function averagePrecision(score: ArrayLike<number>, y: ArrayLike<number>): number {
  const curve = prCurve(score, y);
  if (curve.length === 0) return NaN;
  let ap = 0;
  let previous = 0;
  for (const p of curve) {
    ap += (p.recall - previous) * p.precision;
    previous = p.recall;
  }
  return ap;
}

/** Brier score: the mean of (p − y)² over the rows. */
export function brierScore(probability: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < probability.length; i++) s += (probability[i] - y[i]) ** 2;
  return probability.length ? s / probability.length : NaN;
}

export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  /** Mean predicted probability of the bin's rows. */
  predicted: number;
  /** Share of the bin's rows that are positive. */
  observed: number;
}

/** `bins` equal-width probability bins over [0, 1] (the last one closed); bins without rows are left out. */
export function calibrationBins(probability: ArrayLike<number>, y: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  for (let i = 0; i < probability.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(probability[i] * bins)));
    count[b]++;
    sumP[b] += probability[i];
    sumY[b] += y[i] >= 0.5 ? 1 : 0;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (count[b] > 0) out.push({ lo: b / bins, hi: (b + 1) / bins, count: count[b], predicted: sumP[b] / count[b], observed: sumY[b] / count[b] });
  }
  return out;
}

export interface ThresholdPoint { threshold: number; precision: number; recall: number; f1: number }

/**
 * Precision, recall and F1 at thresholds 0, 1/steps, …, 1 with the decision rule of `evaluate`
 * (probability > threshold is positive; a zero denominator gives 0).
 */
export function thresholdSweep(probability: ArrayLike<number>, y: ArrayLike<number>, steps = 100): ThresholdPoint[] {
  const out: ThresholdPoint[] = [];
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    let tp = 0, fp = 0, fn = 0;
    for (let i = 0; i < probability.length; i++) {
      const predicted = probability[i] > t;
      const actual = y[i] >= 0.5;
      if (predicted && actual) tp++;
      else if (predicted) fp++;
      else if (actual) fn++;
    }
    const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
    out.push({ threshold: t, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn) });
  }
  return out;
}
