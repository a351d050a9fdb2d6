/**
 * Global importance of a model's inputs on a labelled table: what `chainrule importance` and the
 * library call. The rows are encoded with the model's own encoders; permutation importance and
 * partial dependence / ICE are src/explain/attributions/importance.ts. The metric is a score
 * (higher is better) so that "importance" is always a drop: accuracy at the model's threshold
 * (`auto` for the binary task, scikit-learn's default score for a classifier), ROC AUC, or the
 * negated log loss.
 */
import type { Table } from '../data/csv.js';
import { encodeTable } from '../data/prepare.js';
import { accuracy, logLoss, rocAuc } from '../data/metrics.js';
import type { EncodeStats } from '../model/encoding.js';
import { modelToNetwork } from '../model/convert.js';
import type { ModelFile } from '../model/schema.js';
import { requireBinary } from '../model/schema.js';
import type { PartialDependence } from '../explain/attributions/index.js';
import { inputGroups, partialDependence, permutationImportance } from '../explain/attributions/index.js';
import { InputError } from '../errors.js';
import { outputHead } from './attributions.js';
import { targetLabels } from './evaluate.js';

export const IMPORTANCE_METRICS = ['auto', 'accuracy', 'roc-auc', 'neg-log-loss'] as const;
export type ImportanceMetric = (typeof IMPORTANCE_METRICS)[number];

export interface ImportanceOptions {
  /** Shuffles per input (default 5, as scikit-learn's n_repeats). */
  readonly repeats?: number;
  /** Seeds every shuffle (default 0). */
  readonly seed?: number;
  readonly metric?: string;
  /** Grid points of partial dependence per numeric input (default 20). */
  readonly gridSize?: number;
  /** ICE curves kept per numeric input: the first this many rows (default 50). */
  readonly iceRows?: number;
}

export interface ImportanceDocument {
  /** The metric used (`auto` resolved). */
  readonly metric: Exclude<ImportanceMetric, 'auto'>;
  readonly rows: number;
  readonly repeats: number;
  readonly seed: number;
  /** The metric on the unshuffled rows. */
  readonly baseline: number;
  /** Per model input, in the model's order: the mean and population std of the metric's drop. */
  readonly importances: readonly { readonly input: string; readonly mean: number; readonly std: number }[];
  readonly partialDependence: readonly PartialDependence[];
}

function scorer(metric: Exclude<ImportanceMetric, 'auto'>, y: Float64Array, threshold: number): (p: Float64Array) => number {
  switch (metric) {
    case 'accuracy': return (p) => accuracy(p, y, threshold);
    case 'roc-auc': return (p) => rocAuc(p, y);
    // From probabilities clipped to [1e-15, 1 − 1e-15], as scikit-learn's neg_log_loss scores predict_proba.
    case 'neg-log-loss': return (p) => -logLoss(p, y);
  }
}

function checkOptions(options: ImportanceOptions): { repeats: number; seed: number; metric: Exclude<ImportanceMetric, 'auto'> } {
  const repeats = options.repeats ?? 5;
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 1000) throw new InputError('repeats', `repeats must be an integer from 1 to 1000, got ${JSON.stringify(options.repeats)}`);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new InputError('seed', `seed must be an integer, got ${JSON.stringify(options.seed)}`);
  const metric = (options.metric ?? 'auto') as ImportanceMetric;
  if (!IMPORTANCE_METRICS.includes(metric)) throw new InputError('metric', `metric must be one of ${IMPORTANCE_METRICS.join(', ')}, got ${JSON.stringify(options.metric)}`);
  return { repeats, seed, metric: metric === 'auto' ? 'accuracy' : metric };
}

export function importanceForTable(model: ModelFile, table: Table, options: ImportanceOptions = {}, stats?: EncodeStats): ImportanceDocument {
  const { repeats, seed, metric } = checkOptions(options);
  if (table.n < 2) throw new InputError('data', `${table.file}: permutation importance needs at least 2 rows, got ${table.n}`);
  const binary = requireBinary(model, 'permutation importance');
  const y = targetLabels(binary, table);
  const X = encodeTable(table, model.inputs, undefined, stats);
  const net = modelToNetwork(model);
  const head = outputHead(model);
  const groups = inputGroups(model.inputs);
  const score = scorer(metric, y, binary.threshold);
  const r = permutationImportance(net, head, groups, X, table.n, score, { repeats, seed });
  if (Number.isNaN(r.baseline)) throw new InputError('metric', `${table.file}: ${metric} is undefined when ${model.target.name} has only one class; use --metric accuracy`);
  return {
    metric,
    rows: table.n,
    repeats,
    seed,
    baseline: r.baseline,
    importances: r.importances.map(({ input, mean, std }) => ({ input, mean, std })),
    partialDependence: partialDependence(net, head, groups, X, table.n, { gridSize: options.gridSize, iceRows: options.iceRows }),
  };
}
