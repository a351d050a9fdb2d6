/** `chainrule importance`: permutation importance (mean ± std per input) and partial dependence / ICE of a model on labelled data. */
import type { Command } from 'commander';
import type { ImportanceDocument } from '../../app/importance.js';
import { IMPORTANCE_METRICS_BY_TASK, importanceForTable } from '../../app/importance.js';
import type { EncodeStats } from '../../model/encoding.js';
import { loadModel } from '../../model/file.js';
import { InputError } from '../../errors.js';
import { UsageError } from '../errors.js';
import { integer, positiveInteger, printJson } from '../options.js';
import { readForModel, warnUnknown } from './predict.js';
import type { DataFormat } from '../../data/formats.js';
import { formatOption } from '../format-flag.js';

interface ImportanceFlags {
  model: string;
  data: string;
  format?: DataFormat;
  repeats: number;
  seed: number;
  metric: string;
  class?: string;
  json?: boolean;
}

const BAR = 30;

/** Inputs sorted by mean drop, each with a bar scaled to the largest and mean ± std. */
export function renderImportance(doc: ImportanceDocument, file: string): string {
  const sorted = [...doc.importances].sort((a, b) => b.mean - a.mean);
  const largest = Math.max(...sorted.map((i) => Math.abs(i.mean)), 1e-300);
  const nameWidth = Math.max(...sorted.map((i) => i.input.length));
  const lines = [
    `${file}: ${doc.rows} rows, ${doc.metric} ${doc.baseline.toFixed(6)}; drop when one input is shuffled (${doc.repeats} repeats, seed ${doc.seed}):`,
    ...sorted.map((i) => {
      const bar = '█'.repeat(Math.round((BAR * Math.max(0, i.mean)) / largest));
      return `  ${i.input.padEnd(nameWidth)}  ${i.mean >= 0 ? ' ' : '-'}${Math.abs(i.mean).toFixed(4)} ± ${i.std.toFixed(4)}  ${bar}`.trimEnd();
    }),
    `partial dependence and ICE (${doc.partialDependence.length} curve set(s) of ${doc.output === 'value' ? 'the value in raw units' : 'probabilities'}): in --json`,
  ];
  return `${lines.join('\n')}\n`;
}

export function registerImportance(program: Command): void {
  program
    .command('importance')
    .description('permutation importance of each input (the drop of the metric when its column is shuffled, mean ± std) and partial dependence / ICE')
    .requiredOption('--model <file>', 'model file')
    .requiredOption('--data <file>', 'data file (CSV, Parquet or NDJSON) with the model\'s inputs and its target column')
    .addOption(formatOption())
    .option('--repeats <n>', 'shuffles per input', positiveInteger('--repeats'), 5)
    .option('--seed <n>', 'seed of the shuffles', integer('--seed'), 0)
    .option('--metric <name>', `binary ${IMPORTANCE_METRICS_BY_TASK.binary.join(', ')}; multiclass ${IMPORTANCE_METRICS_BY_TASK.multiclass.join(', ')}; regression ${IMPORTANCE_METRICS_BY_TASK.regression.join(', ')} (auto: accuracy for a classifier, r2 for regression)`, 'auto')
    .option('--class <name>', 'multiclass: partial dependence of this class\'s probability only (default: one curve set per class)')
    .option('--json', 'print one JSON document: task, metric, rows, repeats, seed, baseline, importances [{input, mean, std}], output, partialDependence [{input, class?, grid, average, ice {rows, values}}]')
    .addHelpText('after', `
scikit-learn's permutation importance: the metric on the data minus the metric after one input's
values are shuffled among the rows (a categorical input's one-hot columns move together), over
--repeats seeded shuffles; std is the population std. Every metric is a score (higher is
better), so a positive importance means shuffling the input hurt: accuracy (binary at the
model's threshold, multiclass of the argmax), roc-auc, r2, and the negated errors neg-log-loss,
neg-mse, neg-mae (scikit-learn's neg_mean_squared_error convention; regression errors in the
target's raw units): their baseline is negative and a shuffle that raises the error by 3 gives
+3. A categorical input has no partial dependence; a numeric one is evaluated on 20 evenly
spaced values from its minimum to its maximum in the data, with the ICE curves of the first 50
rows, of P(positive) for binary, of each class's probability for multiclass (one curve set per
input and class, with "class"; --class keeps one class), of the value in raw units for
regression.`)
    .action(async (flags: ImportanceFlags) => {
      const model = loadModel(flags.model);
      const table = await readForModel(model, flags.data, [model.target.name], [], flags.format);
      const stats: EncodeStats = { unknown: {} };
      let doc: ImportanceDocument;
      try {
        doc = importanceForTable(model, table, { repeats: flags.repeats, seed: flags.seed, metric: flags.metric, class: flags.class }, stats);
      } catch (err) {
        if (err instanceof InputError && ['metric', 'repeats', 'seed', 'class'].includes(err.field)) throw new UsageError(`--${err.field}: ${err.message}`);
        throw err;
      }
      warnUnknown(stats);
      if (flags.json) printJson(doc);
      else process.stdout.write(renderImportance(doc, flags.data));
    });
}
