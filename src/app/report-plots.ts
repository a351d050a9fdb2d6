/**
 * The report's plots, drawn by Observable Plot into a DOM that linkedom provides in Node, and
 * serialised as inline SVG: no scripts, fonts or images to fetch when the report is opened.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { CalibrationBin, PrPoint, RocPoint, ThresholdPoint } from '../data/curves.js';
import type { Confusion } from '../data/metrics.js';

const WIDTH = 460;
const HEIGHT = 340;
const INK = '#1f4e79';
const SECOND = '#d9822b';

type PlotOptions = Parameters<typeof Plot.plot>[0];

function draw(options: PlotOptions): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({ width: WIDTH, height: HEIGHT, style: { fontSize: '12px', background: 'white' }, ...options, document } as PlotOptions);
  return (node as unknown as { outerHTML: string }).outerHTML;
}

/** At most `max` points of a curve, evenly spaced, first and last kept (the plot only; metrics use every point). */
function thin<T>(points: readonly T[], max = 1500): T[] {
  if (points.length <= max) return [...points];
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]);
}

const unitAxis = (label: string) => ({ domain: [0, 1], label, grid: true });

export function rocPlot(curve: readonly RocPoint[]): string {
  return draw({
    x: unitAxis('false positive rate →'),
    y: unitAxis('↑ true positive rate'),
    marks: [
      Plot.line([[0, 0], [1, 1]], { stroke: '#999', strokeDasharray: '4,4' }),
      Plot.areaY(thin(curve), { x: 'fpr', y: 'tpr', fill: INK, fillOpacity: 0.08, curve: 'step-before' }),
      Plot.line(thin(curve), { x: 'fpr', y: 'tpr', stroke: INK, strokeWidth: 2 }),
    ],
  });
}

export function prPlot(curve: readonly PrPoint[], prevalence: number): string {
  return draw({
    x: unitAxis('recall →'),
    y: unitAxis('↑ precision'),
    marks: [
      Plot.ruleY([prevalence], { stroke: '#999', strokeDasharray: '4,4' }),
      Plot.text([{ x: 1, y: prevalence }], { x: 'x', y: 'y', text: () => `positive rate ${prevalence.toFixed(3)}`, textAnchor: 'end', dy: -6, fill: '#666' }),
      Plot.line(thin(curve), { x: 'recall', y: 'precision', stroke: INK, strokeWidth: 2, curve: 'step-after' }),
    ],
  });
}

export function calibrationPlot(bins: readonly CalibrationBin[]): string {
  const most = Math.max(1, ...bins.map((b) => b.count));
  return draw({
    x: unitAxis('mean predicted probability →'),
    y: unitAxis('↑ fraction positive'),
    r: { range: [3, 12], domain: [0, most] },
    marks: [
      Plot.line([[0, 0], [1, 1]], { stroke: '#999', strokeDasharray: '4,4' }),
      Plot.rectY(bins, { x1: 'lo', x2: 'hi', y: (b: CalibrationBin) => (0.25 * b.count) / most, fill: '#bbb', fillOpacity: 0.5, inset: 1 }),
      Plot.line(bins, { x: 'predicted', y: 'observed', stroke: INK, strokeWidth: 2 }),
      Plot.dot(bins, { x: 'predicted', y: 'observed', r: 'count', fill: INK, title: (b: CalibrationBin) => `${b.count} rows: predicted ${b.predicted.toFixed(3)}, observed ${b.observed.toFixed(3)}` }),
    ],
  });
}

export function confusionPlot(c: Confusion, labels: { positive: string; negative: string }): string {
  const cells = [
    { actual: labels.positive, predicted: labels.positive, count: c.tp, name: 'TP' },
    { actual: labels.positive, predicted: labels.negative, count: c.fn, name: 'FN' },
    { actual: labels.negative, predicted: labels.positive, count: c.fp, name: 'FP' },
    { actual: labels.negative, predicted: labels.negative, count: c.tn, name: 'TN' },
  ];
  const order = [labels.positive, labels.negative];
  return draw({
    width: 360,
    height: 300,
    marginLeft: 90,
    padding: 0.04,
    x: { domain: order, label: 'predicted', axis: 'top' },
    y: { domain: order, label: 'actual' },
    color: { type: 'linear', range: ['#eef3f8', INK], domain: [0, Math.max(1, c.tp, c.fn, c.fp, c.tn)] },
    marks: [
      Plot.cell(cells, { x: 'predicted', y: 'actual', fill: 'count' }),
      Plot.text(cells, {
        x: 'predicted', y: 'actual', text: (d: { name: string; count: number }) => `${d.name}\n${d.count}`, fontSize: 16, lineHeight: 1.3,
        fill: (d: { count: number }) => (d.count > 0.55 * Math.max(c.tp, c.fn, c.fp, c.tn) ? 'white' : 'black'),
      }),
    ],
  });
}

export function thresholdPlot(points: readonly ThresholdPoint[], threshold: number): string {
  const long = points.flatMap((p) => [
    { threshold: p.threshold, value: p.precision, metric: 'precision' },
    { threshold: p.threshold, value: p.recall, metric: 'recall' },
    { threshold: p.threshold, value: p.f1, metric: 'F1' },
  ]);
  return draw({
    x: unitAxis('threshold (probability > threshold is positive) →'),
    y: unitAxis('↑ value'),
    color: { domain: ['precision', 'recall', 'F1'], range: [INK, SECOND, '#5a9e4b'], legend: true },
    marks: [
      Plot.ruleX([threshold], { stroke: '#c33', strokeDasharray: '3,3' }),
      Plot.text([{ x: threshold, y: 1 }], { x: 'x', y: 'y', text: () => `threshold ${threshold}`, dx: 4, textAnchor: 'start', fill: '#c33' }),
      Plot.line(long, { x: 'threshold', y: 'value', stroke: 'metric', strokeWidth: 2 }),
    ],
  });
}

export interface LossPoint { epoch: number; loss: number; series: string }

export function lossPlot(points: readonly LossPoint[], bestEpoch?: number): string {
  const series = [...new Set(points.map((p) => p.series))];
  return draw({
    width: 2 * WIDTH + 40,
    x: { label: 'epoch →', grid: true },
    y: { label: '↑ loss', grid: true, zero: false },
    color: { domain: series, range: [INK, SECOND], legend: true },
    marks: [
      ...(bestEpoch ? [Plot.ruleX([bestEpoch], { stroke: '#c33', strokeDasharray: '3,3' })] : []),
      Plot.line(thin(points.filter((p) => p.series === series[0]), 3000).concat(thin(points.filter((p) => p.series === series[1]), 3000)), { x: 'epoch', y: 'loss', stroke: 'series', strokeWidth: 2 }),
    ],
  });
}

export function lrPlot(points: readonly { epoch: number; lr: number }[]): string {
  return draw({
    width: 2 * WIDTH + 40,
    height: 200,
    x: { label: 'epoch →', grid: true },
    y: { label: '↑ learning rate', grid: true },
    marks: [Plot.line(thin(points, 3000), { x: 'epoch', y: 'lr', stroke: INK, strokeWidth: 2, curve: 'step-after' })],
  });
}

/** Multiclass confusion heat map: rows are the actual class, columns the predicted one. */
export function heatmapPlot(confusion: readonly (readonly number[])[], classes: readonly string[]): string {
  const cells = confusion.flatMap((row, i) => row.map((count, j) => ({ actual: classes[i], predicted: classes[j], count })));
  const most = Math.max(1, ...cells.map((c) => c.count));
  return draw({
    width: Math.max(360, 90 + 70 * classes.length),
    height: Math.max(300, 60 + 60 * classes.length),
    marginLeft: 90,
    padding: 0.04,
    x: { domain: [...classes], label: 'predicted', axis: 'top' },
    y: { domain: [...classes], label: 'actual' },
    color: { type: 'linear', range: ['#eef3f8', INK], domain: [0, most] },
    marks: [
      Plot.cell(cells, { x: 'predicted', y: 'actual', fill: 'count' }),
      Plot.text(cells, { x: 'predicted', y: 'actual', text: (d: { count: number }) => String(d.count), fontSize: 14, fill: (d: { count: number }) => (d.count > 0.55 * most ? 'white' : 'black') }),
    ],
  });
}

/** One ROC curve per class (that class against the rest). */
export function ovrRocPlot(curves: readonly { class: string; auc: number; roc: readonly RocPoint[] }[]): string {
  const points = curves.flatMap((c) => thin(c.roc, 1000).map((p) => ({ fpr: p.fpr, tpr: p.tpr, series: `${c.class} (AUC ${c.auc.toFixed(3)})` })));
  const series = curves.map((c) => `${c.class} (AUC ${c.auc.toFixed(3)})`);
  return draw({
    x: unitAxis('false positive rate →'),
    y: unitAxis('↑ true positive rate'),
    color: { domain: series, scheme: 'tableau10', legend: true },
    marks: [
      Plot.line([[0, 0], [1, 1]], { stroke: '#999', strokeDasharray: '4,4' }),
      Plot.line(points, { x: 'fpr', y: 'tpr', stroke: 'series', z: 'series', strokeWidth: 2 }),
    ],
  });
}

export interface RegressionPoint { actual: number; predicted: number }

/** Predicted against actual values, with the diagonal where they are equal. */
export function predictedActualPlot(points: readonly RegressionPoint[]): string {
  const all = points.flatMap((p) => [p.actual, p.predicted]);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  return draw({
    marginLeft: 70,
    x: { label: 'actual →', grid: true, domain: [lo, hi] },
    y: { label: '↑ predicted', grid: true, domain: [lo, hi] },
    marks: [
      Plot.line([[lo, lo], [hi, hi]], { stroke: '#999', strokeDasharray: '4,4' }),
      Plot.dot(thin(points, 3000), { x: 'actual', y: 'predicted', r: 2, fill: INK, fillOpacity: 0.4 }),
    ],
  });
}

/** Residuals (actual − predicted) against the prediction, with the zero line. */
export function residualPlot(points: readonly RegressionPoint[]): string {
  const res = thin(points, 3000).map((p) => ({ predicted: p.predicted, residual: p.actual - p.predicted }));
  return draw({
    marginLeft: 70,
    x: { label: 'predicted →', grid: true },
    y: { label: '↑ residual (actual − predicted)', grid: true },
    marks: [
      Plot.ruleY([0], { stroke: '#c33', strokeDasharray: '3,3' }),
      Plot.dot(res, { x: 'predicted', y: 'residual', r: 2, fill: SECOND, fillOpacity: 0.5 }),
    ],
  });
}

/** Permutation importance: the mean drop of the metric per input, with ± one std. */
export function importancePlot(rows: readonly { input: string; mean: number; std: number }[], metric: string): string {
  const sorted = [...rows].sort((a, b) => b.mean - a.mean);
  return draw({
    height: Math.max(160, 60 + 36 * rows.length),
    marginLeft: 140,
    x: { label: `drop in ${metric} when shuffled →`, grid: true },
    y: { domain: sorted.map((r) => r.input), label: null },
    marks: [
      Plot.barX(sorted, { x: 'mean', y: 'input', fill: INK, fillOpacity: 0.8 }),
      Plot.ruleY(sorted, { y: 'input', x1: (r: { mean: number; std: number }) => r.mean - r.std, x2: (r: { mean: number; std: number }) => r.mean + r.std, stroke: '#333', strokeWidth: 1.5 }),
      Plot.ruleX([0], { stroke: '#333' }),
    ],
  });
}

interface DependenceCurves { input: string; class?: string; grid: readonly number[]; average: readonly number[]; ice: { rows: readonly number[]; values: readonly (readonly number[])[] } }

/**
 * Partial dependence (the mean, thick) over ICE curves (one thin line per kept row). A probability
 * is drawn on [0, 1]; a regression value (`valueLabel`, the target's name) on the curves' own range.
 */
export function dependencePlot(pd: DependenceCurves, valueLabel?: string): string {
  const ice = pd.ice.values.flatMap((values, i) => values.map((v, j) => ({ x: pd.grid[j], y: v, row: pd.ice.rows[i] })));
  const mean = pd.average.map((v, j) => ({ x: pd.grid[j], y: v }));
  return draw({
    // Room for a raw value's tick labels (100,000).
    ...(valueLabel === undefined ? {} : { marginLeft: 64 }),
    x: { label: `${pd.input} →`, grid: true },
    y: valueLabel === undefined ? { domain: [0, 1], label: '↑ predicted probability', grid: true } : { label: `↑ predicted ${valueLabel}`, grid: true },
    marks: [
      Plot.line(ice, { x: 'x', y: 'y', z: 'row', stroke: '#999', strokeOpacity: 0.35, strokeWidth: 1 }),
      Plot.line(mean, { x: 'x', y: 'y', stroke: SECOND, strokeWidth: 3 }),
    ],
  });
}

/** Multiclass partial dependence of one input: each class's mean probability curve (ICE left out: k sets would hide the means). */
export function classDependencePlot(curves: readonly DependenceCurves[]): string {
  const points = curves.flatMap((c) => c.average.map((v, j) => ({ x: c.grid[j], y: v, class: c.class ?? '' })));
  return draw({
    x: { label: `${curves[0]?.input ?? ''} →`, grid: true },
    y: { domain: [0, 1], label: '↑ predicted probability', grid: true },
    color: { domain: curves.map((c) => c.class ?? ''), scheme: 'tableau10', legend: true },
    marks: [Plot.line(points, { x: 'x', y: 'y', stroke: 'class', z: 'class', strokeWidth: 2.5 })],
  });
}
