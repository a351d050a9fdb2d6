/** `chainrule cv`: K-fold cross-validation of the train flags; the metrics of `evaluate` per fold, their mean and std. */
import type { Command } from 'commander';
import { crossValidate, type CvSummary } from '../../app/cross-validate.js';
import { integer, positiveInteger, printJson } from '../options.js';
import { UsageError } from '../errors.js';
import { addTrainFlags, foldTrainOptions, readFoldTable, type FoldFlags } from '../train-flags.js';

interface CvFlags extends FoldFlags {
  folds: number;
  jobs: number;
  json?: boolean;
  quiet?: boolean;
}

export function foldCount(value: string): number {
  const k = integer('--folds')(value);
  if (k < 2) throw new UsageError(`--folds must be at least 2 (each fold is held out once while the others train), got ${value}`);
  return k;
}

/** The metrics shown in the table, as evaluate names them, per task (the first fold's keys tell which). */
const BINARY_COLUMNS = ['accuracy', 'precision', 'recall', 'f1', 'rocAuc', 'logLoss'] as const;
const MULTICLASS_COLUMNS = ['accuracy', 'macroF1', 'weightedF1', 'logLoss'] as const;
const REGRESSION_COLUMNS = ['mse', 'rmse', 'mae', 'r2'] as const;

const cell = (x: unknown): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(4) : 'n/a').padStart(10);

export function formatCv(summary: CvSummary, file: string): string {
  const first = summary.folds[0] as unknown as Record<string, unknown>;
  const COLUMNS: readonly string[] = 'r2' in first ? REGRESSION_COLUMNS : 'macroF1' in first ? MULTICLASS_COLUMNS : BINARY_COLUMNS;
  const lines = [`${file}: ${summary.folds.length}-fold cross-validation (${summary.folds.reduce((s, f) => s + f.rows, 0)} rows)`, ''];
  lines.push(`${'fold'.padEnd(6)}${'rows'.padStart(6)}${COLUMNS.map((c) => c.padStart(10)).join('')}`);
  summary.folds.forEach((f, i) => {
    lines.push(`${String(i + 1).padEnd(6)}${String(f.rows).padStart(6)}${COLUMNS.map((c) => cell((f as unknown as Record<string, unknown>)[c])).join('')}`);
  });
  lines.push(`${'mean'.padEnd(12)}${COLUMNS.map((c) => cell(summary.mean[c])).join('')}`);
  lines.push(`${'std'.padEnd(12)}${COLUMNS.map((c) => cell(summary.std[c])).join('')}`);
  return lines.join('\n');
}

export function registerCv(program: Command): void {
  const cmd = program
    .command('cv')
    .description('K-fold cross-validation (stratified, seeded) of a training setting: evaluate\'s metrics per held-out fold, their mean and std')
    .option('--folds <k>', 'number of folds, at least 2', foldCount, 5)
    .option('--jobs <n>', 'worker threads for the folds; the result is the same for any count', positiveInteger('--jobs'), 1)
    .option('--json', 'print one JSON document: { folds: [ {metrics} ], mean: {metrics}, std: {metrics} }')
    .option('--quiet', 'no progress lines on stderr');
  addTrainFlags(cmd)
    .addHelpText('after', `
Each fold trains with the train flags on the other folds' rows (encoders fitted on those rows
only) and is scored on its own rows with the metrics of evaluate --json; its "rows" is its size.
"mean" is the plain mean over folds and "std" the population standard deviation. Folds are
stratified by the target and dealt with --seed, which also seeds each fold's training.`)
    .action(async (flags: CvFlags) => {
      const { table, target, file } = await readFoldTable(flags);
      const train = foldTrainOptions(flags, target);
      const progress = !flags.quiet;
      const summary = await crossValidate(table, {
        folds: flags.folds, train, jobs: flags.jobs,
        notify: (message) => process.stderr.write(`${message}\n`),
        onFold: progress ? (done, total) => process.stderr.write(`cv: fold ${done}/${total} done\n`) : undefined,
      });
      if (flags.json) {
        printJson(summary);
        return;
      }
      process.stdout.write(`${formatCv(summary, file)}\n`);
    });
}
