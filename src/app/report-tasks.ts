/**
 * `chainrule report` for the multiclass and regression tasks. Multiclass: the per-class table
 * (precision, recall, F1, support), the confusion heat map and one-vs-rest ROC curves; regression:
 * predicted against actual, the residuals, and MSE/RMSE/MAE/R²; then, as for binary, permutation
 * importance and partial dependence (per class; in raw units). The metrics are `evaluate --json`'s
 * (src/app/evaluate.ts); the page shell, the training and importance sections are the binary report's.
 */
import type { Table } from '../data/csv.js';
import type { EncodeStats } from '../model/encoding.js';
import type { ModelFile, MulticlassModel, RegressionModel } from '../model/schema.js';
import { regressionValue } from '../model/schema.js';
import { modelToNetwork } from '../model/convert.js';
import { createWorkspace, forward, inputSize } from '../math/network.js';
import { encodeTable } from '../data/prepare.js';
import type { MulticlassEvaluation, RegressionEvaluation } from '../data/metrics.js';
import { areaUnder, rocCurve, type RocPoint } from '../data/curves.js';
import { classIndex, fitTarget, rawTargets } from '../data/target.js';
import { evaluateMulticlassModel, evaluateRegressionModel } from './evaluate.js';
import { heatmapPlot, ovrRocPlot, predictedActualPlot, residualPlot, type RegressionPoint } from './report-plots.js';
import type { ImportanceDocument } from './importance.js';
import { describeNetwork, escapeHtml, figure, fmt, importanceSection, page, pct, reportImportance, showValue } from './report.js';

export interface MulticlassReportData {
  task: 'multiclass';
  data: { file: string; rows: number };
  evaluation: MulticlassEvaluation;
  /** Per class, the area under its one-vs-rest ROC curve (that class's probability as the score). */
  oneVsRest: { class: string; auc: number }[];
  unknownCategories: Record<string, number>;
  /** As `chainrule importance --json` with its defaults (absent below 2 rows). */
  importance?: ImportanceDocument;
}

export interface RegressionReportData {
  task: 'regression';
  data: { file: string; rows: number };
  evaluation: RegressionEvaluation;
  unknownCategories: Record<string, number>;
  /** As `chainrule importance --json` with its defaults (absent below 2 rows or for a constant target). */
  importance?: ImportanceDocument;
}

/** The network's outputs [n × units] for every row. */
function outputs(model: ModelFile, table: Table, stats: EncodeStats): { out: Float64Array; units: number } {
  const net = modelToNetwork(model);
  const X = encodeTable(table, model.inputs, undefined, stats);
  const last = net.layers.length - 1;
  const units = net.layers[last].units;
  const batch = Math.min(Math.max(table.n, 1), 4096);
  const ws = createWorkspace(net, batch);
  const k = inputSize(net);
  const out = new Float64Array(table.n * units);
  for (let start = 0; start < table.n; start += batch) {
    const rows = Math.min(batch, table.n - start);
    forward(net, X.subarray(start * k, (start + rows) * k), rows, ws);
    out.set(ws.A[last].subarray(0, rows * units), start * units);
  }
  return { out, units };
}

const curves = new WeakMap<MulticlassReportData, RocPoint[][]>();
const scatter = new WeakMap<RegressionReportData, RegressionPoint[]>();

export function multiclassReportData(model: MulticlassModel, table: Table, file: string): MulticlassReportData {
  const evaluation = evaluateMulticlassModel(model, table);
  const target = fitTarget(table, model.target.name, 'multiclass', { init: { task: 'multiclass', ...model.target } });
  const truth = classIndex(table, target) as Int32Array;
  const stats: EncodeStats = { unknown: {} };
  const { out, units } = outputs(model, table, stats);
  const rocs: RocPoint[][] = [];
  const oneVsRest = model.target.classes.map((name, c) => {
    const score = new Float64Array(table.n);
    const y = new Float64Array(table.n);
    for (let r = 0; r < table.n; r++) {
      score[r] = out[r * units + c];
      y[r] = truth[r] === c ? 1 : 0;
    }
    const roc = rocCurve(score, y);
    rocs.push(roc);
    return { class: name, auc: roc.length ? areaUnder(roc) : Number.NaN };
  });
  const data: MulticlassReportData = {
    task: 'multiclass', data: { file, rows: table.n }, evaluation, oneVsRest, unknownCategories: stats.unknown, importance: reportImportance(model, table),
  };
  curves.set(data, rocs);
  return data;
}

export function regressionReportData(model: RegressionModel, table: Table, file: string): RegressionReportData {
  const evaluation = evaluateRegressionModel(model, table);
  const stats: EncodeStats = { unknown: {} };
  const { out } = outputs(model, table, stats);
  const y = rawTargets(table, model.target.name);
  const data: RegressionReportData = {
    task: 'regression', data: { file, rows: table.n }, evaluation, unknownCategories: stats.unknown, importance: reportImportance(model, table),
  };
  scatter.set(data, Array.from(y, (actual, i) => ({ actual, predicted: regressionValue(model, out[i]) })));
  return data;
}

export function renderMulticlassReport(model: MulticlassModel, data: MulticlassReportData): string {
  const e = data.evaluation;
  const summary: [string, string][] = [
    ['data', data.data.file], ['rows', String(data.data.rows)],
    ['task', `multiclass: ${model.target.name} (${e.classes.length} classes: ${e.classes.join(', ')})`],
    ['network', describeNetwork(model)], ['seed', showValue(model.training?.seed)],
  ];
  const metrics: [string, string][] = [
    ['accuracy', pct(e.accuracy)], ['macro F1', fmt(e.macroF1)], ['weighted F1', fmt(e.weightedF1)], ['log loss', fmt(e.logLoss)],
  ];
  const perClass = `<table class="classes" id="per-class"><thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th><th>one-vs-rest AUC</th></tr></thead><tbody>${e.perClass.map((c, i) => `<tr><td>${escapeHtml(c.class)}</td><td>${fmt(c.precision)}</td><td>${fmt(c.recall)}</td><td>${fmt(c.f1)}</td><td>${c.support}</td><td>${fmt(data.oneVsRest[i]?.auc ?? Number.NaN)}</td></tr>`).join('')}</tbody></table>`;
  const rocs = curves.get(data) ?? [];
  const plots = [
    figure('confusion', 'Confusion matrix', heatmapPlot(e.confusion, e.classes), 'Rows by actual and predicted class (the class of the largest probability).'),
    figure('roc', 'One-vs-rest ROC curves', ovrRocPlot(data.oneVsRest.map((c, i) => ({ ...c, roc: rocs[i] ?? [] })).filter((c) => c.roc.length > 0)), 'Per class: true against false positive rate with that class\'s probability as the score and every other class as negative; the dashed diagonal is a random score.'),
  ];
  return page(model, summary, metrics, data.unknownCategories, `<h2>Per class</h2>\n${perClass}\n<h2>How well it decides</h2>\n<div class="plots">${plots.join('\n')}</div>\n${importanceSection(data.importance)}`, data);
}

export function renderRegressionReport(model: RegressionModel, data: RegressionReportData): string {
  const e = data.evaluation;
  const summary: [string, string][] = [
    ['data', data.data.file], ['rows', String(data.data.rows)],
    ['task', `regression: ${model.target.name}`],
    ['network', describeNetwork(model)], ['seed', showValue(model.training?.seed)],
  ];
  const metrics: [string, string][] = [['MSE', fmt(e.mse)], ['RMSE', fmt(e.rmse)], ['MAE', fmt(e.mae)], ['R²', fmt(e.r2)]];
  const points = scatter.get(data) ?? [];
  const plots = [
    figure('predicted', 'Predicted against actual', predictedActualPlot(points), 'Every row\'s prediction against its actual value; the dashed diagonal is a perfect prediction.'),
    figure('residuals', 'Residuals', residualPlot(points), 'Actual minus predicted against the prediction; the dashed line is zero. A pattern here is what the model misses.'),
  ];
  return page(model, summary, metrics, data.unknownCategories, `<h2>How close it predicts</h2>\n<div class="plots">${plots.join('\n')}</div>\n${importanceSection(data.importance, model.target.name)}`, data);
}
