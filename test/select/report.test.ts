/**
 * The report's numbers against independent computations: AUC against the Mann–Whitney statistic
 * counted pair by pair, average precision against precision at each positive's rank (and a case
 * with ties worked by hand), Brier against its definition; then the page itself: self-contained,
 * escaped, one figure per plot, the numbers in its data island.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import { areaUnder, averagePrecision, brierScore, calibrationBins, prCurve, rocCurve, thresholdSweep } from '../../src/data/curves.js';
import { tableFromRows } from '../../src/data/csv.js';
import { parseModel } from '../../src/model/schema.js';
import { binaryReportData, buildReport } from '../../src/app/report.js';
import type { BinaryModel } from '../../src/model/schema.js';

/** P(score of a positive > score of a negative) + ½·P(equal), over every pair. */
function mannWhitney(score: number[], y: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < score.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < score.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      wins += score[i] > score[j] ? 1 : score[i] === score[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

function sample(n: number, seed: number, ties: boolean): { score: number[]; y: number[] } {
  const rng = createRng(seed);
  const y = Array.from({ length: n }, () => (rng.next() < 0.35 ? 1 : 0));
  const score = y.map((label) => {
    const s = 1 / (1 + Math.exp(-(1.2 * (label - 0.5) * 2 + rng.normal())));
    return ties ? Math.round(s * 10) / 10 : s;
  });
  return { score, y };
}

describe('report metrics against independent computations', () => {
  for (const ties of [false, true]) {
    it(`ROC area = Mann–Whitney AUC (${ties ? 'scores rounded to tenths: many ties' : 'no ties'})`, () => {
      const { score, y } = sample(300, ties ? 2 : 1, ties);
      const curve = rocCurve(score, y);
      expect(curve[0]).toMatchObject({ fpr: 0, tpr: 0 });
      expect(curve[curve.length - 1]).toMatchObject({ fpr: 1, tpr: 1 });
      expect(areaUnder(curve)).toBeCloseTo(mannWhitney(score, y), 12);
    });
  }

  it('average precision = the mean over positives of the precision at its rank (no ties)', () => {
    const { score, y } = sample(250, 3, false);
    const order = score.map((_, i) => i).sort((a, b) => score[b] - score[a]);
    let tp = 0;
    let sum = 0;
    order.forEach((row, rank) => {
      if (y[row] !== 1) return;
      tp++;
      sum += tp / (rank + 1);
    });
    expect(averagePrecision(score, y)).toBeCloseTo(sum / tp, 12);
  });

  it('average precision with tied scores, worked by hand: 0.5·1 + 0.5·(2/3)', () => {
    expect(averagePrecision([0.9, 0.8, 0.8, 0.3], [1, 0, 1, 0])).toBeCloseTo(0.5 + 1 / 3, 15);
    expect(prCurve([0.9, 0.8, 0.8, 0.3], [1, 0, 1, 0]).map((p) => [p.recall, p.precision])).toEqual([[0.5, 1], [1, 2 / 3], [1, 0.5]]);
  });

  it('Brier = mean (p − y)², calibration bins count every row once, thresholds follow evaluate\'s rule', () => {
    const { score, y } = sample(200, 4, false);
    let s = 0;
    score.forEach((p, i) => { s += (p - y[i]) * (p - y[i]); });
    expect(brierScore(score, y)).toBeCloseTo(s / 200, 15);
    const bins = calibrationBins([...score, 1, 0], [...y, 1, 0]);
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(202);
    for (const b of bins) expect(b.predicted).toBeGreaterThanOrEqual(b.lo);
    const at = thresholdSweep([0.2, 0.5, 0.7], [0, 1, 1], 2);
    // Threshold 0.5: only 0.7 is above it → precision 1, recall 1/2.
    expect(at[1]).toEqual({ threshold: 0.5, precision: 1, recall: 0.5, f1: 2 / 3 });
  });
});

describe('the report page', () => {
  // A hand-written 1-input logistic model: raw input, no training block.
  const model = parseModel({
    format: 'chainrule/model', version: 1, inputs: [{ name: 'x', kind: 'numeric' }], target: { name: '<y&>', positive: 'yes' },
    layers: [{ activation: 'sigmoid', weights: [[1.5]], bias: [-0.2] }],
  });
  const rng = createRng(9);
  const rows = Array.from({ length: 120 }, () => {
    const x = 2 * rng.normal();
    return [x.toFixed(3), rng.next() < 1 / (1 + Math.exp(-x)) ? 'yes' : 'no'];
  });
  const table = tableFromRows('d.csv', ['x', '<y&>'], rows);

  it('its numbers are the independent ones, its figures are the binary plots, nothing is fetched, text is escaped', () => {
    const html = buildReport(model, table, 'd.csv');
    const island = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
    expect(island).not.toBeNull();
    const data = JSON.parse((island as RegExpExecArray)[1]);
    const p = rows.map((r) => 1 / (1 + Math.exp(-(1.5 * Number(r[0]) - 0.2))));
    const y: number[] = rows.map((r) => (r[1] === 'yes' ? 1 : 0));
    expect(data.evaluation.rocAuc).toBeCloseTo(mannWhitney(p, y), 12);
    expect(data.rocCurveArea).toBeCloseTo(mannWhitney(p, y), 12);
    expect(data.brier).toBeCloseTo(p.reduce((s, pi, i) => s + (pi - y[i]) ** 2, 0) / 120, 12);
    expect(data.data).toEqual({ file: 'd.csv', rows: 120, positives: y.reduce<number>((a, b) => a + b, 0) });
    expect([...html.matchAll(/<figure class="plot" data-plot="(\w+)"/g)].map((m) => m[1])).toEqual(['roc', 'pr', 'calibration', 'confusion', 'threshold', 'importance', 'pd0']);
    expect(html).toContain('no training history');
    // One input: its partial dependence at g is σ(1.5g − 0.2) whatever the row, and every ICE line is that curve.
    const xs = rows.map((r) => Number(r[0]));
    const pd = data.importance.partialDependence[0];
    expect(pd.input).toBe('x');
    expect(pd.grid[0]).toBeCloseTo(Math.min(...xs), 12);
    expect(pd.grid[pd.grid.length - 1]).toBeCloseTo(Math.max(...xs), 12);
    pd.grid.forEach((g: number, j: number) => {
      const expected = 1 / (1 + Math.exp(-(1.5 * g - 0.2)));
      expect(pd.average[j]).toBeCloseTo(expected, 12);
      for (const line of pd.ice.values) expect(line[j]).toBeCloseTo(expected, 12);
    });
    expect(pd.ice.rows.length).toBe(50);
    // The importance baseline is the accuracy at threshold 0.5; the drop is a mean over 5 seeded shuffles.
    expect(data.importance.baseline).toBeCloseTo(p.filter((pi, i) => (pi > 0.5 ? 1 : 0) === y[i]).length / 120, 12);
    expect(data.importance).toMatchObject({ metric: 'accuracy', repeats: 5, seed: 0, rows: 120 });
    expect(data.importance.importances[0].mean).toBeGreaterThan(0.1);
    expect(html).toContain('&lt;y&amp;&gt;');
    expect(html).not.toContain('<y&>');
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
  });

  it('binaryReportData scores with the model\'s threshold', () => {
    const data = binaryReportData({ ...model, threshold: 0.9 } as BinaryModel, table, 'd.csv');
    expect(data.evaluation.threshold).toBe(0.9);
    expect(data.evaluation.confusion.tp + data.evaluation.confusion.fn).toBe(data.data.positives);
  });
});

describe('the multiclass and regression pages', () => {
  const rng = createRng(21);
  const xs = Array.from({ length: 150 }, () => 2 * rng.normal());

  it('multiclass: per-class precision/recall/support, the confusion counts and one-vs-rest AUCs are the independent ones', () => {
    const model = parseModel({
      format: 'chainrule/model', version: 2, task: 'multiclass', inputs: [{ name: 'x', kind: 'numeric' }], target: { name: 'kind', classes: ['a', 'b', 'c'] },
      layers: [{ activation: 'softmax', weights: [[1], [0], [-1]], bias: [0, 0.3, 0] }], loss: 'cross_entropy',
    });
    // Noisy truth: the class the x would pick, shifted at random one in four times.
    const truth = xs.map((x) => { const c = x > 0.5 ? 0 : x < -0.5 ? 2 : 1; return rng.next() < 0.25 ? (c + 1) % 3 : c; });
    const classes = ['a', 'b', 'c'];
    const table = tableFromRows('m.csv', ['x', 'kind'], xs.map((x, i) => [x.toFixed(4), classes[truth[i]]]));
    const html = buildReport(model, table, 'm.csv');
    const data = JSON.parse((/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html) as RegExpExecArray)[1]);
    const probs = xs.map((v) => {
      const x = Number(v.toFixed(4));
      const z = [x, 0.3, -x];
      const m = Math.max(...z);
      const e = z.map((zi) => Math.exp(zi - m));
      const s = e[0] + e[1] + e[2];
      return e.map((ei) => ei / s);
    });
    const predicted = probs.map((p) => p.indexOf(Math.max(...p)));
    expect(data.task).toBe('multiclass');
    for (let c = 0; c < 3; c++) {
      const tp = predicted.filter((p, i) => p === c && truth[i] === c).length;
      const support = truth.filter((t) => t === c).length;
      const predictedC = predicted.filter((p) => p === c).length;
      expect(data.evaluation.perClass[c]).toMatchObject({ class: classes[c], support });
      expect(data.evaluation.perClass[c].recall).toBeCloseTo(tp / support, 12);
      expect(data.evaluation.perClass[c].precision).toBeCloseTo(predictedC ? tp / predictedC : 0, 12);
      for (let j = 0; j < 3; j++) expect(data.evaluation.confusion[c][j]).toBe(predicted.filter((p, i) => truth[i] === c && p === j).length);
      expect(data.oneVsRest[c].auc).toBeCloseTo(mannWhitney(probs.map((p) => p[c]), truth.map((t) => (t === c ? 1 : 0))), 12);
    }
    expect([...html.matchAll(/<figure class="plot" data-plot="(\w+)"/g)].map((m) => m[1])).toEqual(['confusion', 'roc', 'importance', 'pd0']);
    // Importance is accuracy of the argmax; partial dependence has one curve set per class.
    expect(data.importance.baseline).toBeCloseTo(predicted.filter((p, i) => p === truth[i]).length / 150, 12);
    expect(data.importance.partialDependence.map((pd: { class: string }) => pd.class)).toEqual(classes);
    expect(html).toContain('<table class="classes" id="per-class">');
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
  });

  it('regression: MSE, RMSE, MAE and R² in raw units are the independent ones', () => {
    const model = parseModel({
      format: 'chainrule/model', version: 2, task: 'regression', inputs: [{ name: 'x', kind: 'numeric' }], target: { name: 'y', mean: 10, std: 3 },
      layers: [{ activation: 'linear', weights: [[2]], bias: [1] }], loss: 'mse',
    });
    const ys = xs.map((x) => 10 + 6 * x + 3 + 2 * rng.normal());
    const table = tableFromRows('r.csv', ['x', 'y'], xs.map((x, i) => [x.toFixed(4), ys[i].toFixed(4)]));
    const html = buildReport(model, table, 'r.csv');
    const data = JSON.parse((/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html) as RegExpExecArray)[1]);
    const actual = ys.map((y) => Number(y.toFixed(4)));
    const pred = xs.map((x) => (2 * Number(x.toFixed(4)) + 1) * 3 + 10);
    const n = actual.length;
    const mse = actual.reduce((s, a, i) => s + (a - pred[i]) ** 2, 0) / n;
    const mean = actual.reduce((s, a) => s + a, 0) / n;
    const tss = actual.reduce((s, a) => s + (a - mean) ** 2, 0);
    expect(data.task).toBe('regression');
    expect(data.evaluation.mse).toBeCloseTo(mse, 9);
    expect(data.evaluation.rmse).toBeCloseTo(Math.sqrt(mse), 9);
    expect(data.evaluation.mae).toBeCloseTo(actual.reduce((s, a, i) => s + Math.abs(a - pred[i]), 0) / n, 9);
    expect(data.evaluation.r2).toBeCloseTo(1 - (mse * n) / tss, 9);
    expect([...html.matchAll(/<figure class="plot" data-plot="(\w+)"/g)].map((m) => m[1])).toEqual(['predicted', 'residuals', 'importance', 'pd0']);
    // Importance is the drop of R²; partial dependence is in raw units: this model is linear, 6 per unit of x.
    expect(data.importance.metric).toBe('r2');
    expect(html).toContain('Permutation importance (R²)');
    expect(data.importance.baseline).toBeCloseTo(1 - (mse * n) / tss, 9);
    const pd = data.importance.partialDependence[0];
    expect((pd.average[1] - pd.average[0]) / (pd.grid[1] - pd.grid[0])).toBeCloseTo(6, 9);
    expect(html).toContain(`RMSE</th><td>${Math.sqrt(mse).toFixed(4)}`);
  });
});
