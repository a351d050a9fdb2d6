/**
 * The library's model selection and report, Node only (index.ts exports them): cross-validation,
 * hyper-parameter search and the HTML report — the same use cases as `chainrule cv`, `tune` and
 * `report`, so a call and the command give the same document for the same inputs. Options are
 * checked first (app/analysis-options.ts). Their code loads on first use (folds may run in worker
 * threads; the report's plotting and DOM libraries are heavy), which is why they are async.
 */
import type { Table } from './data/table.js';
import type { ModelFile } from './model/schema.js';
import type { CvSummary } from './app/cross-validate.js';
import type { TuneResult } from './app/tune.js';
import type { CrossValidateConfig, TuneConfig } from './app/selection-options.js';
import type { ReportConfig } from './app/analysis-options.js';
import { parseReportOptions } from './app/analysis-options.js';
import { parseCrossValidateOptions, parseTuneOptions, trialOf } from './app/selection-options.js';

export type { CvSummary, FoldMetrics } from './app/cross-validate.js';
export type { TuneResult, TrialResult, TrialParams } from './app/tune.js';
export type { CrossValidateConfig, FoldTrainConfig, RangeConfig, TunableOption, TuneConfig } from './app/selection-options.js';
export type { ReportConfig } from './app/analysis-options.js';
export { TUNABLE_OPTIONS } from './app/selection-options.js';

/**
 * K-fold cross-validation of train options on a table, as `chainrule cv --json`: seeded folds
 * (stratified by class for classification), each trained on the other folds' rows and scored on
 * its own with evaluate's metrics; `mean` is the plain mean over folds, `std` the population std.
 *
 * @param options - train's options (`target` required; no `init`, callbacks or checkpoints) and
 *   `folds` (default 5), `jobs` (worker threads, default 1; the result does not depend on it), `onFold`.
 * @throws OptionsError naming an unknown or bad option; FoldError when the data has fewer rows
 *   (of a class) than folds; DataError naming the column when the table does not fit.
 */
export async function crossValidate(table: Table, options: CrossValidateConfig): Promise<CvSummary> {
  const { folds, jobs, onFold, train } = parseCrossValidateOptions(options);
  const cv = await import('./app/cross-validate.js');
  return cv.crossValidate(table, { folds, jobs, onFold, train });
}

/**
 * Grid or random search over train options, as `chainrule tune --json`: every setting is
 * cross-validated on the same folds and the best has the best mean `metric` (ties: the earlier).
 * Grid order: the first option varies slowest. `params` name options as the library does
 * (`hidden`, `batchSize`).
 *
 * @example `tune(table, { target: 'promoted', grid: { hidden: [[2], [4]], lr: [0.1, 0.5] }, folds: 3 })`
 * @param options - the shared train options, `grid` (lists per option; with `random: N` also
 *   ranges `{ lo, hi, log? }`), `folds` (default 5), `metric` (default logLoss), `jobs`, `onProgress`.
 * @throws OptionsError naming the option (`grid.lr` for a bad grid value).
 */
export async function tune(table: Table, options: TuneConfig): Promise<TuneResult> {
  const search = await import('./app/tune.js');
  const { space, random, folds, metric, jobs, onProgress, train } = parseTuneOptions(options, search.TUNE_METRICS);
  const points = random !== undefined ? search.randomPoints(space, random, train.seed) : search.gridPoints(space);
  return search.tune(table, points.map((params) => trialOf(train, params)), { folds, metric, jobs, onProgress });
}

/**
 * The self-contained HTML report of a model on a labelled table, as `chainrule report` writes
 * it: model card, metrics and the task's plots as inline SVG, the numbers in a JSON data island.
 *
 * @param options - `file`: the data's name on the page (default: the table's file).
 * @throws OptionsError for a bad option; DataError / InputError naming the column or row the
 *   model cannot encode.
 */
export async function buildReport(model: ModelFile, table: Table, options?: ReportConfig): Promise<string> {
  const { file } = parseReportOptions(options, table);
  const report = await import('./app/report.js');
  return report.buildReport(model, table, file);
}
