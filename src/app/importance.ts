/**
 * Global importance of a model's inputs on a labelled table: what `chainrule importance` and the
 * library call. The rows are encoded with the model's own encoders; permutation importance and
 * partial dependence / ICE are src/explain/attributions/importance.ts. The metric is a score
 * (higher is better) so that "importance" is always a drop, positive when shuffling hurts:
 * binary accuracy at the model's threshold, ROC AUC or the negated log loss; multiclass accuracy
 * of the argmax or the negated log loss; regression R² or the negated MSE / MAE in raw units
 * (scikit-learn's neg_mean_squared_error convention). `auto` is scikit-learn's default score:
 * accuracy for a classifier, R² for a regressor.
 */
import type { Table } from '../data/csv.js';
import { encodeTable } from '../data/prepare.js';
import { LOG_LOSS_EPS, accuracy, argmaxRows, logLoss, r2Score, rocAuc } from '../data/metrics.js';
import { classIndex, fitTarget, rawTargets } from '../data/target.js';
import type { EncodeStats } from '../model/encoding.js';
import { modelToNetwork } from '../model/convert.js';
import type { ModelFile } from '../model/schema.js';
import { regressionValue, taskOf } from '../model/schema.js';
import type { TaskName } from '../math/heads.js';
import type { PartialDependence } from '../explain/attributions/index.js';
import { inputGroups, partialDependence, permutationImportance } from '../explain/attributions/index.js';
import { InputError } from '../errors.js';
import { outputHead } from './explained-output.js';
import { targetLabels } from './evaluate.js';

/** The metrics each task accepts, `auto` first (it resolves to the second). */
export const IMPORTANCE_METRICS_BY_TASK = {
  binary: ['auto', 'accuracy', 'roc-auc', 'neg-log-loss'],
  multiclass: ['auto', 'accuracy', 'neg-log-loss'],
  regression: ['auto', 'r2', 'neg-mse', 'neg-mae'],
} as const satisfies Record<TaskName, readonly string[]>;
export const IMPORTANCE_METRICS = ['auto', 'accuracy', 'roc-auc', 'neg-log-loss', 'r2', 'neg-mse', 'neg-mae'] as const;
export type ImportanceMetric = (typeof IMPORTANCE_METRICS)[number];

export interface ImportanceOptions {
  /** Shuffles per input (default 5, as scikit-learn's n_repeats). */
  readonly repeats?: number;
  /** Seeds every shuffle (default 0). */
  readonly seed?: number;
  readonly metric?: string;
  /** Multiclass: partial dependence of this class's probability only (default: every class). */
  readonly class?: string;
  /** Grid points of partial dependence per numeric input (default 20). */
  readonly gridSize?: number;
  /** ICE curves kept per numeric input: the first this many rows (default 50). */
  readonly iceRows?: number;
}

export interface ImportanceDocument {
  readonly task: TaskName;
  /** The metric used (`auto` resolved). */
  readonly metric: Exclude<ImportanceMetric, 'auto'>;
  readonly rows: number;
  readonly repeats: number;
  readonly seed: number;
  /** The metric on the unshuffled rows (a negated error for neg-log-loss, neg-mse, neg-mae). */
  readonly baseline: number;
  /** Per model input, in the model's order: the mean and population std of the metric's drop. */
  readonly importances: readonly { readonly input: string; readonly mean: number; readonly std: number }[];
  /** What the curves are: P(positive) for binary, P(class) for multiclass, the raw value for regression. */
  readonly output: 'probability' | 'value';
  /** Per numeric input (multiclass: per input and class, `class` set, in class order). */
  readonly partialDependence: readonly PartialDependence[];
}

type Score = (out: Float64Array) => number;

/** The score of the output layer [n × units] against the table's target, for the model's task. */
function scorer(model: ModelFile, table: Table, metric: Exclude<ImportanceMetric, 'auto'>): Score {
  if (model.task === 'multiclass') {
    const k = model.target.classes.length;
    const truth = classIndex(table, fitTarget(table, model.target.name, 'multiclass', { init: { task: 'multiclass', ...model.target } })) as Int32Array;
    if (metric === 'accuracy') {
      return (out) => {
        const predicted = argmaxRows(out, k);
        let right = 0;
        for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) right++;
        return right / truth.length;
      };
    }
    // From probabilities clipped at 1e-15, as evaluate's multiclass log loss from probabilities.
    return (out) => {
      let loss = 0;
      for (let i = 0; i < truth.length; i++) loss -= Math.log(Math.max(out[i * k + truth[i]], LOG_LOSS_EPS));
      return -loss / truth.length;
    };
  }
  if (model.task === 'regression') {
    const y = rawTargets(table, model.target.name);
    const raw = (out: Float64Array) => out.map((v) => regressionValue(model, v));
    if (metric === 'r2') return (out) => r2Score(raw(out), y);
    const power = metric === 'neg-mse' ? 2 : 1;
    return (out) => {
      const p = raw(out);
      let s = 0;
      for (let i = 0; i < y.length; i++) s += Math.abs(p[i] - y[i]) ** power;
      return -s / y.length;
    };
  }
  const y = targetLabels(model, table);
  switch (metric) {
    case 'accuracy': return (p) => accuracy(p, y, model.threshold);
    case 'roc-auc': return (p) => rocAuc(p, y);
    // From probabilities clipped to [1e-15, 1 − 1e-15], as scikit-learn's neg_log_loss scores predict_proba.
    default: return (p) => -logLoss(p, y);
  }
}

function checkOptions(model: ModelFile, options: ImportanceOptions): { repeats: number; seed: number; metric: Exclude<ImportanceMetric, 'auto'> } {
  const repeats = options.repeats ?? 5;
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 1000) throw new InputError('repeats', `repeats must be an integer from 1 to 1000, got ${JSON.stringify(options.repeats)}`);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new InputError('seed', `seed must be an integer, got ${JSON.stringify(options.seed)}`);
  const task = taskOf(model);
  const choices: readonly string[] = IMPORTANCE_METRICS_BY_TASK[task];
  const metric = options.metric ?? 'auto';
  if (!choices.includes(metric)) throw new InputError('metric', `metric for a ${task} model must be one of ${choices.join(', ')}, got ${JSON.stringify(options.metric)}`);
  return { repeats, seed, metric: (metric === 'auto' ? choices[1] : metric) as Exclude<ImportanceMetric, 'auto'> };
}

/** The heads whose partial dependence is drawn: one, except every class (or the one asked for) of a multiclass model. */
function dependenceHeads(model: ModelFile, className: string | undefined) {
  if (model.task !== 'multiclass' || className !== undefined) return [outputHead(model, undefined, className)];
  return model.target.classes.map((c) => outputHead(model, undefined, c));
}

export function importanceForTable(model: ModelFile, table: Table, options: ImportanceOptions = {}, stats?: EncodeStats): ImportanceDocument {
  const { repeats, seed, metric } = checkOptions(model, options);
  const heads = dependenceHeads(model, options.class);
  if (table.n < 2) throw new InputError('data', `${table.file}: permutation importance needs at least 2 rows, got ${table.n}`);
  const score = scorer(model, table, metric);
  const X = encodeTable(table, model.inputs, undefined, stats);
  const net = modelToNetwork(model);
  const groups = inputGroups(model.inputs);
  const r = permutationImportance(net, groups, X, table.n, score, { repeats, seed });
  if (Number.isNaN(r.baseline)) {
    const instead = model.task === 'regression' ? 'neg-mse' : 'accuracy';
    const why = model.task === 'regression' ? 'is constant' : 'has only one class';
    throw new InputError('metric', `${table.file}: ${metric} is undefined when ${model.target.name} ${why}; use --metric ${instead}`);
  }
  // Grouped by input, then class: the curves of one input sit together.
  const curves = heads.map((head) => partialDependence(net, head, groups, X, table.n, { gridSize: options.gridSize, iceRows: options.iceRows }));
  return {
    task: taskOf(model),
    metric,
    rows: table.n,
    repeats,
    seed,
    baseline: r.baseline,
    importances: r.importances.map(({ input, mean, std }) => ({ input, mean, std })),
    output: heads[0].output,
    partialDependence: (curves[0] ?? []).flatMap((_pd, i) => curves.map((c) => c[i])),
  };
}
