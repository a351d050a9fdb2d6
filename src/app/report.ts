/**
 * `chainrule report`: one self-contained HTML page about a model on a labelled table. A model-card
 * header (data, rows, task, network, training flags, seed, metrics), then the task's plots; for
 * binary: ROC with AUC, precision–recall with average precision, calibration with the Brier score,
 * the confusion matrix at the threshold, precision/recall/F1 across thresholds, permutation
 * importance and partial dependence with ICE (src/app/importance.ts; every task's page has them),
 * and the loss curves from the model's history (multiclass and regression pages:
 * src/app/report-tasks.ts).
 * Styles are inline, plots are inline SVG, the numbers are also in a JSON data island
 * (`<script type="application/json" id="report-data">`); nothing is fetched.
 */
import type { Table } from '../data/csv.js';
import type { EncodeStats } from '../model/encoding.js';
import type { BinaryModel, ModelFile } from '../model/schema.js';
import { encodedWidth, negativeValue, requireBinary } from '../model/schema.js';
import { InputError } from '../errors.js';
import { modelToNetwork } from '../model/convert.js';
import { encodeTable } from '../data/prepare.js';
import type { Evaluation } from '../data/metrics.js';
import { evaluate } from '../data/metrics.js';
import {
  areaUnder, averagePrecision, brierScore, calibrationBins, prCurve, rocCurve, thresholdSweep,
  type CalibrationBin, type PrPoint, type RocPoint, type ThresholdPoint,
} from '../data/curves.js';
import { scoreRows, targetLabels } from './evaluate.js';
import { importanceForTable, type ImportanceDocument, type ImportanceOptions } from './importance.js';
import { multiclassReportData, regressionReportData, renderMulticlassReport, renderRegressionReport } from './report-tasks.js';
import { classDependencePlot, dependencePlot, importancePlot, calibrationPlot, confusionPlot, lossPlot, lrPlot, prPlot, rocPlot, thresholdPlot, type LossPoint } from './report-plots.js';

/** Everything the binary report shows, as numbers (also embedded in the page). */
export interface BinaryReportData {
  task: 'binary';
  data: { file: string; rows: number; positives: number };
  evaluation: Evaluation;
  averagePrecision: number;
  brier: number;
  /** The trapezoidal area under the drawn ROC curve (equals evaluation.rocAuc). */
  rocCurveArea: number;
  roc: RocPoint[];
  pr: PrPoint[];
  calibration: CalibrationBin[];
  thresholds: ThresholdPoint[];
  /** Categorical values the model had not seen, per input. */
  unknownCategories: Record<string, number>;
  /** Permutation importance and partial dependence / ICE, as `chainrule importance --json` with its defaults (absent below 2 rows). */
  importance?: ImportanceDocument;
}

/** The importance settings of the report: `chainrule importance`'s defaults (5 repeats, seed 0, 20 grid points, 50 ICE rows). */
export const REPORT_IMPORTANCE: ImportanceOptions = { repeats: 5, seed: 0, metric: 'auto', gridSize: 20, iceRows: 50 };

/** Scores the table with the model and computes every number of the binary report. */
export function binaryReportData(model: BinaryModel, table: Table, file: string): BinaryReportData {
  const y = targetLabels(model, table);
  const stats: EncodeStats = { unknown: {} };
  const X = encodeTable(table, model.inputs, undefined, stats);
  const { probability, logit } = scoreRows(modelToNetwork(model), X, table.n);
  // Logits rank rows exactly where probabilities near 0 or 1 round to ties (as evaluate's AUC).
  const score = logit ?? probability;
  const roc = rocCurve(score, y);
  let positives = 0;
  for (const label of y) if (label >= 0.5) positives++;
  return {
    task: 'binary',
    data: { file, rows: table.n, positives },
    evaluation: evaluate(probability, y, model.threshold, logit),
    averagePrecision: averagePrecision(score, y),
    brier: brierScore(probability, y),
    rocCurveArea: areaUnder(roc),
    roc,
    pr: prCurve(score, y),
    calibration: calibrationBins(probability, y),
    thresholds: thresholdSweep(probability, y),
    unknownCategories: stats.unknown,
    importance: reportImportance(model, table),
  };
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c] as string));
export const fmt = (x: number, digits = 4): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
export const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : 'n/a');

/** "2 inputs (2 columns) → 2 sigmoid → 1 sigmoid, loss bce". */
export function describeNetwork(model: ModelFile): string {
  const units = model.layers.map((l) => `${l.weights.length} ${l.activation}`);
  return `${model.inputs.length} inputs (${encodedWidth(model.inputs)} encoded columns) → ${units.join(' → ')}; loss ${model.loss}`;
}

export function showValue(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => (k === 'name' ? String(v) : `${k} ${String(v)}`)).join(', ');
  }
  return String(value);
}

/** The training block's flags, in a fixed order, leaving out the history (plotted below). */
export function trainingRows(training: Record<string, unknown> | undefined): [string, string][] {
  if (!training) return [['training', 'none recorded (a hand-written model file)']];
  const names: [string, string][] = [
    ['optimizer', 'optimizer'], ['schedule', 'learning-rate schedule'], ['epochs', 'epochs run'], ['batchSize', 'batch size'],
    ['val', 'validation fraction'], ['patience', 'patience'], ['bestEpoch', 'best epoch'], ['l2', 'L2'], ['classWeight', 'class weight'],
    ['standardize', 'standardised inputs'], ['shuffle', 'shuffled'], ['rows', 'training rows'], ['seed', 'seed'],
  ];
  const rows: [string, string][] = [];
  for (const [key, label] of names) if (training[key] !== undefined) rows.push([label, showValue(training[key])]);
  return rows;
}

export function table2(rows: [string, string][]): string {
  return `<table class="card">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

export function figure(id: string, title: string, svg: string, caption: string): string {
  return `<figure class="plot" data-plot="${id}" id="plot-${id}"><h3>${escapeHtml(title)}</h3>${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

interface HistoryRecord { epoch: number; loss: number; valLoss?: number; lr?: number }

function historyOf(model: ModelFile): HistoryRecord[] {
  const history = model.training?.history;
  if (!Array.isArray(history)) return [];
  return history.filter((h): h is HistoryRecord => typeof h === 'object' && h !== null && typeof (h as HistoryRecord).epoch === 'number' && typeof (h as HistoryRecord).loss === 'number');
}

export const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #f5f6f8; color: #1b1f24; }
header, main { max-width: 1000px; margin: 0 auto; padding: 16px 24px; }
header { background: white; border-bottom: 1px solid #dde1e6; max-width: none; }
header > div { max-width: 1000px; margin: 0 auto; }
h1 { font-size: 22px; margin: 4px 0 12px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
h3 { font-size: 15px; margin: 0 0 6px; }
.cards { display: flex; flex-wrap: wrap; gap: 16px; }
.cards > section { background: white; border: 1px solid #dde1e6; border-radius: 6px; padding: 10px 14px; flex: 1 1 280px; }
.cards > section.metrics { flex: 0 1 220px; }
table.card { border-collapse: collapse; font-size: 13px; width: 100%; }
table.card th { text-align: left; font-weight: 500; color: #555; padding: 3px 12px 3px 0; white-space: nowrap; vertical-align: top; }
table.card td { padding: 3px 0; font-variant-numeric: tabular-nums; }
.metrics table.card td { text-align: right; }
.plots { display: flex; flex-wrap: wrap; gap: 16px; }
figure.plot { background: white; border: 1px solid #dde1e6; border-radius: 6px; margin: 0; padding: 10px 12px; }
figure.plot svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #555; max-width: 460px; margin-top: 4px; }
.note { font-size: 13px; color: #8a5300; }
footer { font-size: 12px; color: #777; max-width: 1000px; margin: 0 auto; padding: 8px 24px 24px; }
table.classes { border-collapse: collapse; font-size: 13px; background: white; border: 1px solid #dde1e6; }
table.classes th, table.classes td { padding: 4px 12px; text-align: right; font-variant-numeric: tabular-nums; }
table.classes th:first-child, table.classes td:first-child { text-align: left; }
table.classes thead th { border-bottom: 1px solid #dde1e6; }
`;

/** The loss (and learning-rate) curves from the model's history, or a note that there is none. */
export function trainingSection(model: ModelFile): string {
  const history = historyOf(model);
  const losses: LossPoint[] = history.map((h) => ({ epoch: h.epoch, loss: h.loss, series: 'training loss' }));
  const withVal = history.filter((h) => typeof h.valLoss === 'number');
  losses.push(...withVal.map((h) => ({ epoch: h.epoch, loss: h.valLoss as number, series: 'validation loss' })));
  const bestEpoch = typeof model.training?.bestEpoch === 'number' ? model.training.bestEpoch : undefined;
  const lossNote = withVal.length ? '' : ' The model was trained without a validation split, so there is no validation curve.';
  const lrs = history.filter((h) => typeof h.lr === 'number').map((h) => ({ epoch: h.epoch, lr: h.lr as number }));

  return `<div class="plots">${history.length
    ? figure('loss', 'Loss per epoch', lossPlot(losses, bestEpoch), `Mean training loss over each epoch's batches, and the validation loss after each epoch${bestEpoch ? `; the dashed line marks the best epoch (${bestEpoch}), whose weights the model keeps` : ''}.${lossNote}`)
      + (lrs.length ? figure('lr', 'Learning rate per epoch', lrPlot(lrs), `The rate each epoch ran at (${showValue(model.training?.schedule)}).`) : '')
    : '<p class="note">The model file has no training history (no loss curves to show).</p>'}</div>`;
}

/**
 * The report's importance (`chainrule importance`'s defaults), or none below 2 rows or where the
 * metric is undefined (R² of a constant target).
 */
export function reportImportance(model: ModelFile, table: Table): ImportanceDocument | undefined {
  if (table.n < 2) return undefined;
  try {
    return importanceForTable(model, table, REPORT_IMPORTANCE);
  } catch (err) {
    if (err instanceof InputError && err.field === 'metric') return undefined;
    throw err;
  }
}

/**
 * Permutation importance bars, then partial dependence per numeric input: with ICE for a
 * probability (binary) or a value (regression, `target` names it); multiclass one figure per
 * input with a curve per class.
 */
/** How a reader names each importance metric (the JSON keeps scikit-learn's scorer names). */
const METRIC_LABELS: Readonly<Record<string, string>> = {
  accuracy: 'accuracy', 'roc-auc': 'ROC AUC', 'neg-log-loss': '−log loss', r2: 'R²', 'neg-mse': '−MSE', 'neg-mae': '−MAE',
};

export function importanceSection(imp: ImportanceDocument | undefined, target?: string): string {
  if (!imp) return '';
  const metric = METRIC_LABELS[imp.metric] ?? imp.metric;
  const plots = [figure('importance', `Permutation importance (${metric})`, importancePlot(imp.importances, metric),
    `How much ${metric} drops (from ${fmt(imp.baseline)}) when one input's values are shuffled across the rows: the mean over ${imp.repeats} shuffles (seed ${imp.seed}), the black line ± one standard deviation.`)];
  const inputs = [...new Set(imp.partialDependence.map((pd) => pd.input))];
  inputs.forEach((input, i) => {
    const curves = imp.partialDependence.filter((pd) => pd.input === input);
    const [pd] = curves;
    const how = `as ${input} is set to each of ${pd.grid.length} values for every row, the other inputs kept`;
    if (imp.task === 'multiclass') {
      plots.push(figure(`pd${i}`, `Partial dependence: ${input}`, classDependencePlot(curves), `Each class's predicted probability ${how}: the mean over all rows.`));
    } else {
      const what = imp.output === 'value' ? `The predicted ${target ?? 'value'}` : 'The predicted probability';
      plots.push(figure(`pd${i}`, `Partial dependence: ${input}`, dependencePlot(pd, imp.output === 'value' ? target ?? 'value' : undefined),
        `${what} ${how}: the mean over all rows (thick) and ${pd.ice.rows.length} single rows (ICE, grey).`));
    }
  });
  return `<h2>What it relies on</h2>\n<div class="plots">${plots.join('\n')}</div>`;
}

/** The whole page for a binary model. */
export function renderBinaryReport(model: BinaryModel, data: BinaryReportData): string {
  const e = data.evaluation;
  const negative = negativeValue(model.target);
  const summary: [string, string][] = [
    ['data', data.data.file], ['rows', String(data.data.rows)],
    ['task', `binary: ${model.target.name} = ${model.target.positive} (${data.data.positives} positive rows, ${pct(data.data.positives / data.data.rows)})`],
    ['network', describeNetwork(model)], ['threshold', String(model.threshold)],
    ['seed', showValue(model.training?.seed)],
  ];
  const metrics: [string, string][] = [
    ['accuracy', pct(e.accuracy)], ['precision', pct(e.precision)], ['recall', pct(e.recall)], ['F1', fmt(e.f1)],
    ['ROC AUC', fmt(e.rocAuc)], ['average precision', fmt(data.averagePrecision)], ['log loss', fmt(e.logLoss)], ['Brier score', fmt(data.brier)],
  ];
  const plots: string[] = [];
  if (data.roc.length) plots.push(figure('roc', `ROC curve — AUC ${fmt(e.rocAuc)}`, rocPlot(data.roc), 'True against false positive rate as the threshold falls; the dashed diagonal is a random score. AUC is the chance that a random positive row scores above a random negative one.'));
  if (data.pr.length) plots.push(figure('pr', `Precision–recall — average precision ${fmt(data.averagePrecision)}`, prPlot(data.pr, data.data.positives / data.data.rows), 'Precision against recall as the threshold falls; the dashed line is the positive rate, what a random score achieves.'));
  plots.push(figure('calibration', `Calibration — Brier score ${fmt(data.brier)}`, calibrationPlot(data.calibration), 'Rows binned by predicted probability (10 bins): the observed share of positives against the mean prediction (dot size and grey bars: rows per bin). A calibrated model follows the diagonal.'));
  plots.push(figure('confusion', `Confusion matrix at threshold ${model.threshold}`, confusionPlot(e.confusion, { positive: model.target.positive, negative }), `Rows by actual and predicted class; predicted positive when the probability is above ${model.threshold}.`));
  plots.push(figure('threshold', 'Precision, recall and F1 across thresholds', thresholdPlot(data.thresholds, model.threshold), 'How the metrics move as the threshold changes; the dashed line is the model\'s threshold.'));

  const body = `<h2>How well it ranks and decides</h2>
<div class="plots">${plots.join('\n')}</div>
${importanceSection(data.importance)}`;
  return page(model, summary, metrics, data.unknownCategories, body, { ...data, roc: undefined, pr: undefined, thresholds: undefined });
}

/**
 * The page every task's report shares: the model card, training and metrics cards, the task's
 * body, the training section, and the numbers as a JSON data island (`id="report-data"`).
 */
export function page(
  model: ModelFile, summary: [string, string][], metrics: [string, string][], unknownCategories: Record<string, number>,
  body: string, data: unknown,
): string {
  const unknown = Object.entries(unknownCategories);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chainrule report — ${escapeHtml(model.target.name)} on ${escapeHtml(summary[0][1])}</title>
<style>${STYLE}</style>
</head>
<body>
<header><div>
<h1>Model report: ${escapeHtml(model.target.name)}</h1>
<div class="cards">
<section><h3>Model card</h3>${table2(summary)}</section>
<section><h3>Training</h3>${table2(trainingRows(model.training))}</section>
<section class="metrics"><h3>Metrics on this data</h3>${table2(metrics)}</section>
</div>
${unknown.length ? `<p class="note">Values the model had not seen in training (encoded as no category): ${escapeHtml(unknown.map(([k, v]) => `${k}: ${v} rows`).join(', '))}.</p>` : ''}
</div></header>
<main>
${body}
<h2>Training</h2>
${trainingSection(model)}
</main>
<footer>Written by chainrule report. Self-contained: the plots are inline SVG drawn with Observable Plot; nothing is loaded from the network.</footer>
<script type="application/json" id="report-data">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>
</body>
</html>
`;
}

/** The report for the model's task. */
export function buildReport(model: ModelFile, table: Table, file: string): string {
  if (model.task === 'multiclass') return renderMulticlassReport(model, multiclassReportData(model, table, file));
  if (model.task === 'regression') return renderRegressionReport(model, regressionReportData(model, table, file));
  const binary = requireBinary(model, 'report');
  return renderBinaryReport(binary, binaryReportData(binary, table, file));
}
