/** `chainrule evaluate`: classification metrics of a model on a labelled CSV file. */
import type { Command } from 'commander';
import type { EncodeStats } from '../../model/encoding.js';
import { evaluateModel } from '../../app/evaluate.js';
import type { Evaluation } from '../../data/metrics.js';
import { loadModel } from '../../model/file.js';
import { UsageError } from '../errors.js';
import { printJson } from '../options.js';
import { readForModel, warnUnknown } from './predict.js';

interface EvaluateFlags {
  model: string;
  data: string;
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

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('accuracy, precision, recall, F1, ROC AUC, log loss and the confusion matrix of a model on labelled data')
    .requiredOption('--model <file>', 'model file')
    .requiredOption('--data <file>', 'CSV file with the model\'s inputs and its target column')
    .option('--threshold <p>', 'decision threshold (default: the model\'s); probability > threshold is positive', threshold)
    .option('--json', 'print one JSON document: rows, accuracy, precision, recall, f1, rocAuc, logLoss, threshold, confusion {tp, fp, tn, fn}')
    .addHelpText('after', `
Precision, recall and F1 are 0 when their denominator is 0 (no predicted or no actual positives),
as scikit-learn's zero_division=0. ROC AUC counts ties as one half (midranks); it is undefined
(n/a, null in JSON) when the data has only one class. Log loss is computed from the logit, exact
for confident predictions.`)
    .action(async (flags: EvaluateFlags) => {
      const model = loadModel(flags.model);
      const table = await readForModel(model, flags.data, [model.target.name]);
      const stats: EncodeStats = { unknown: {} };
      const result = evaluateModel(model, table, flags.threshold ?? model.threshold, stats);
      warnUnknown(stats);
      if (Number.isNaN(result.rocAuc)) process.stderr.write(`warning: ${flags.data}: only one class in ${model.target.name}; ROC AUC is undefined\n`);
      if (flags.json) {
        printJson(result);
        return;
      }
      process.stdout.write(`${format(result, flags.data)}\n`);
    });
}
