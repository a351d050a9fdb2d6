/**
 * Metrics against values worked out by hand on small fixed cases (ties included), and ROC AUC
 * against the brute-force pair count it stands for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accuracy, confusion, evaluate, f1, logLoss, logLossFromLogits, precision, recall, rocAuc,
} from '../../src/data/metrics.js';

const F = (xs: number[]) => Float64Array.from(xs);

describe('metrics on a worked case: p = [.9 .8 .6 .4 .3 .1], y = [1 0 1 1 0 0], threshold .5', () => {
  const p = F([0.9, 0.8, 0.6, 0.4, 0.3, 0.1]);
  const y = F([1, 0, 1, 1, 0, 0]);
  it('confusion tp 2 (.9, .6), fp 1 (.8), fn 1 (.4), tn 2; accuracy 4/6; precision = recall = F1 = 2/3', () => {
    const c = confusion(p, y, 0.5);
    expect(c).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1 });
    expect(accuracy(p, y, 0.5)).toBeCloseTo(4 / 6, 15);
    expect(precision(c)).toBeCloseTo(2 / 3, 15);
    expect(recall(c)).toBeCloseTo(2 / 3, 15);
    expect(f1(c)).toBeCloseTo(2 / 3, 15);
  });
  it('ROC AUC 7/9: positives .9 .6 .4 beat 3, 2 and 2 of the negatives .8 .3 .1', () => {
    expect(rocAuc(p, y)).toBeCloseTo(7 / 9, 15);
  });
  it('log loss is the mean of −ln(.9), −ln(.2), −ln(.6), −ln(.4), −ln(.7), −ln(.9)', () => {
    const expected = -(Math.log(0.9) + Math.log(0.2) + Math.log(0.6) + Math.log(0.4) + Math.log(0.7) + Math.log(0.9)) / 6;
    expect(logLoss(p, y)).toBeCloseTo(expected, 14);
  });
  it('threshold .7 moves .6 to the negatives: tp 1, fp 1, fn 2, tn 2; precision 1/2, recall 1/3, F1 2/5', () => {
    const c = confusion(p, y, 0.7);
    expect(c).toEqual({ tp: 1, fp: 1, tn: 2, fn: 2 });
    expect(precision(c)).toBe(0.5);
    expect(recall(c)).toBeCloseTo(1 / 3, 15);
    expect(f1(c)).toBeCloseTo((2 * 0.5 * (1 / 3)) / (0.5 + 1 / 3), 15);
  });
  it('a probability equal to the threshold is negative (strictly greater is positive)', () => {
    expect(confusion(F([0.5]), F([1]), 0.5)).toEqual({ tp: 0, fp: 0, tn: 0, fn: 1 });
  });
});

describe('ties and degenerate cases', () => {
  it('p = [.5 .5 .5 .2], y = [1 0 1 0]: the two tied pairs count 1/2 each, AUC (1 + 2)/4 = .75', () => {
    expect(rocAuc(F([0.5, 0.5, 0.5, 0.2]), F([1, 0, 1, 0]))).toBe(0.75);
  });
  it('all scores tied: AUC 1/2; perfect ranking 1; reversed ranking 0', () => {
    expect(rocAuc(F([0.3, 0.3, 0.3, 0.3]), F([1, 0, 0, 1]))).toBe(0.5);
    expect(rocAuc(F([0.1, 0.2, 0.8, 0.9]), F([0, 0, 1, 1]))).toBe(1);
    expect(rocAuc(F([0.9, 0.8, 0.2, 0.1]), F([0, 0, 1, 1]))).toBe(0);
  });
  it('a single class makes AUC undefined (NaN)', () => {
    expect(rocAuc(F([0.1, 0.9]), F([1, 1]))).toBeNaN();
    expect(rocAuc(F([0.1, 0.9]), F([0, 0]))).toBeNaN();
  });
  it('no predicted positives: precision 0, recall 0, F1 0 (zero_division = 0), not NaN', () => {
    const c = confusion(F([0.1, 0.2, 0.3]), F([1, 0, 1]), 0.5);
    expect(c).toEqual({ tp: 0, fp: 0, tn: 1, fn: 2 });
    expect([precision(c), recall(c), f1(c)]).toEqual([0, 0, 0]);
  });
  it('no actual positives: recall 0 (zero_division = 0)', () => {
    const c = confusion(F([0.9, 0.2]), F([0, 0]), 0.5);
    expect(recall(c)).toBe(0);
    expect(precision(c)).toBe(0);
  });
  it('log loss of a confident miss p = 0, y = 1 is −ln(1e−15) ≈ 34.5388; p = 1, y = 0 likewise, not Infinity', () => {
    expect(logLoss(F([0]), F([1]))).toBeCloseTo(34.538776394910684, 10);
    // 1 − 1e−15 is not exact in binary, so the clipped complement is 1e−15 to within rounding.
    expect(logLoss(F([1]), F([0]))).toBeCloseTo(34.5388, 1);
  });
  it('log loss from logits: z = ±1000 missed costs 1000 each; z = 0 costs ln 2', () => {
    expect(logLossFromLogits(F([1000, -1000]), F([0, 1]))).toBe(1000);
    expect(logLossFromLogits(F([0]), F([1]))).toBeCloseTo(Math.LN2, 15);
  });
  it('log loss from logits equals the probability form where both are exact (|z| ≤ 5)', () => {
    const z = F([-5, -1.3, 0, 0.4, 2.2, 5]);
    const y = F([0, 1, 1, 0, 1, 0]);
    const p = Float64Array.from(z, (v) => 1 / (1 + Math.exp(-v)));
    expect(logLossFromLogits(z, y)).toBeCloseTo(logLoss(p, y), 12);
  });
  it('evaluate ranks by logits when given: σ(40) and σ(50) both round to 1 yet are not a tie', () => {
    const z = F([40, 50, -1]);
    const p = Float64Array.from(z, (v) => 1 / (1 + Math.exp(-v)));
    const y = F([0, 1, 0]);
    expect(p[0]).toBe(p[1]);
    expect(rocAuc(p, y)).toBe(0.75);
    expect(evaluate(p, y, 0.5, z).rocAuc).toBe(1);
  });
});

/** The definition: over all (positive, negative) pairs, 1 if the positive scores higher, 1/2 on a tie. */
function pairCountAuc(score: number[], y: number[]): number {
  let sum = 0;
  let pairs = 0;
  score.forEach((s, i) => {
    if (y[i] !== 1) return;
    score.forEach((t, j) => {
      if (y[j] !== 0) return;
      pairs++;
      sum += s > t ? 1 : s === t ? 0.5 : 0;
    });
  });
  return sum / pairs;
}

describe('ROC AUC equals the pair count (property)', () => {
  it('random scores from {0,1,2,3} (many ties) and labels, 2–40 rows', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1 })), { minLength: 2, maxLength: 40 })
        .filter((rows) => rows.some((r) => r[1] === 1) && rows.some((r) => r[1] === 0)),
      (rows) => {
        const score = rows.map((r) => r[0]);
        const y = rows.map((r) => r[1]);
        expect(rocAuc(F(score), F(y))).toBeCloseTo(pairCountAuc(score, y), 12);
      },
    ), { numRuns: 300 });
  });
});
