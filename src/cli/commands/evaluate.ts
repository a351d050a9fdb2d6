/** `chainrule evaluate`: the metrics of a model's task on a labelled CSV file (classification per class, or regression errors). */
import type { Command } from 'commander';
import type { EncodeStats } from '../../model/encoding.js';
import { evaluateModel } from '../../app/evaluate.js';
import type { Evaluation, MulticlassEvaluation, RegressionEvaluation } from '../../data/metrics.js';
import { loadModel } from '../../model/file.js';
import { UsageError } from '../errors.js';
import { printJson } from '../options.js';
import { readForModel, warnUnknown } from './predict.js';
import type { DataFormat } from '../../data/formats.js';
import { formatOption } from '../format-flag.js';

interface EvaluateFlags {
  model: string;
  data: string;
  format?: DataFormat;
  threshold?: number;
  json?: boolean;
}

function threshold(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x >= 0 && x <= 1)) throw new UsageError(`--threshold must be a number in [0, 1], got ${value}`);
  return x;
}

const pct = (x: number): string => (Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(2)}%`);
const num = (x: number): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(6));

function format(e: Evaluation, file: string): string {
  const c = e.confusion;
  const cell = (x: number | string): string => String(x).padStart(13);
  return [
    `${file}: ${e.rows} rows, threshold ${e.threshold} (probability > threshold is positive)`,
    `accuracy   ${pct(e.accuracy)}`,
    `precision  ${pct(e.precision)}`,
    `recall     ${pct(e.recall)}`,
    `F1         ${num(e.f1)}`,
    `ROC AUC    ${num(e.rocAuc)}`,
    `log loss   ${num(e.logLoss)}`,
    '',
    `confusion ${cell('predicted 1')}${cell('predicted 0')}`,
    `actual 1  ${cell(c.tp)}${cell(c.fn)}`,
    `actual 0  ${cell(c.fp)}${cell(c.tn)}`,
  ].join('\n');
}

/** A per-class table like scikit-learn's classification_report, then the confusion matrix. */
function formatMulticlass(e: MulticlassEvaluation, file: string): string {
  const width = Math.max(12, ...e.classes.map((c) => c.length + 2));
  const name = (x: string): string => x.padStart(width);
  const col = (x: number | string): string => (typeof x === 'number' ? x.toFixed(4) : x).padStart(10);
  const support = (x: number): string => String(x).padStart(10);
  const macro = (key: 'precision' | 'recall' | 'f1') => e.perClass.reduce((a, r) => a + r[key], 0) / e.perClass.length;
  const weighted = (key: 'precision' | 'recall' | 'f1') => e.perClass.reduce((a, r) => a + r[key] * r.support, 0) / e.rows;
  const cell = (x: number | string): string => String(x).padStart(width);
  return [
    `${file}: ${e.rows} rows, ${e.classes.length} classes (the most probable class is the prediction)`,
    `accuracy   ${pct(e.accuracy)}`,
    `macro F1   ${num(e.macroF1)}`,
    `weighted F1 ${num(e.weightedF1)}`,
    `log loss   ${num(e.logLoss)}`,
    '',
    `${name('')}${col('precision')}${col('recall')}${col('f1')}${col('support')}`,
    ...e.perClass.map((r) => `${name(r.class)}${col(r.precision)}${col(r.recall)}${col(r.f1)}${support(r.support)}`),
    `${name('macro avg')}${col(macro('precision'))}${col(macro('recall'))}${col(macro('f1'))}${support(e.rows)}`,
    `${name('weighted avg')}${col(weighted('precision'))}${col(weighted('recall'))}${col(weighted('f1'))}${support(e.rows)}`,
    '',
    `confusion (rows: actual, columns: predicted)`,
    `${cell('')}${e.classes.map((c) => cell(c)).join('')}`,
    ...e.confusion.map((row, i) => `${cell(e.classes[i])}${row.map((x) => cell(x)).join('')}`),
  ].join('\n');
}

function formatRegression(e: RegressionEvaluation, file: string, target: string): string {
  const g = (x: number): string => (Number.isNaN(x) ? 'n/a' : Number(x.toPrecision(6)).toString());
  return [
    `${file}: ${e.rows} rows, target ${target} in its raw units`,
    `MSE   ${g(e.mse)}`,
    `RMSE  ${g(e.rmse)}`,
    `MAE   ${g(e.mae)}`,
    `R²    ${Number.isNaN(e.r2) ? 'n/a' : e.r2.toFixed(6)}`,
  ].join('\n');
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('the metrics of the model\'s task on labelled data: binary accuracy, precision, recall, F1, ROC AUC, log loss, confusion; multiclass per-class table and confusion matrix; regression MSE, RMSE, MAE, R²')
    .requiredOption('--model <file>', 'model file')
    .requiredOption('--data <file>', 'data file (CSV, Parquet or NDJSON) with the model\'s inputs and its target column')
    .addOption(formatOption())
    .option('--threshold <p>', 'binary models: decision threshold (default: the model\'s); probability > threshold is positive', threshold)
    .option('--json', 'print one JSON document: binary rows, accuracy, precision, recall, f1, rocAuc, logLoss, threshold, confusion {tp, fp, tn, fn}; multiclass rows, accuracy, macroF1, weightedF1, logLoss, classes, perClass, confusion [[…]]; regression rows, mse, rmse, mae, r2')
    .addHelpText('after', `
Precision, recall and F1 are 0 when their denominator is 0 (no predicted or no actual positives),
as scikit-learn's zero_division=0. ROC AUC counts ties as one half (midranks); it is undefined
(n/a, null in JSON) when the data has only one class. Log loss is computed from the logit, exact
for confident predictions. Multiclass: per-class precision, recall, F1 and support with macro and
weighted averages, as scikit-learn's classification_report. Regression: R² = 1 − Σ(y − ŷ)²/Σ(y − ȳ)²
with ȳ the mean of these rows, every metric in the target's raw units.`)
    .action(async (flags: EvaluateFlags) => {
      const model = loadModel(flags.model);
      const table = await readForModel(model, flags.data, [model.target.name], [], flags.format);
      const stats: EncodeStats = { unknown: {} };
      if (flags.threshold !== undefined && model.task !== 'binary' && model.task !== undefined) {
        throw new UsageError(`--threshold is only for binary models; this model's task is ${model.task}`);
      }
      const result = evaluateModel(model, table, flags.threshold, stats);
      warnUnknown(stats);
      if ('rocAuc' in result && Number.isNaN(result.rocAuc)) process.stderr.write(`warning: ${flags.data}: only one class in ${model.target.name}; ROC AUC is undefined\n`);
      if (flags.json) {
        printJson(result);
        return;
      }
      if (model.task === 'multiclass') {
        process.stdout.write(`${formatMulticlass(result as MulticlassEvaluation, flags.data)}\n`);
        return;
      }
      if (model.task === 'regression') {
        process.stdout.write(`${formatRegression(result as RegressionEvaluation, flags.data, model.target.name)}\n`);
        return;
      }
      process.stdout.write(`${format(result as Evaluation, flags.data)}\n`);
    });
}
