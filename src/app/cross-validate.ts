/**
 * K-fold cross-validation: seeded (stratified) folds, each trained with the same train options on
 * the other folds' rows and scored on its own with the metrics of `chainrule evaluate`, then the
 * plain mean and the population standard deviation over folds. Folds may run in worker threads
 * (fold-pool.ts): each fold is seeded the same wherever it runs, so the result is the same for any
 * number of jobs.
 */
import { createRng } from '../math/rng.js';
import type { Table } from '../data/csv.js';
import { DataError } from '../data/csv.js';
import type { Notify } from '../data/prepare.js';
import { encodeTarget, fitInputs, inferTarget, selectFeatures } from '../data/prepare.js';
import { complement, stratifiedFolds, subsetTable } from '../data/folds.js';
import type { ModelFile } from '../model/schema.js';
import type { TaskEvaluation } from './evaluate.js';
import { evaluateModel } from './evaluate.js';
import type { TaskName } from '../math/heads.js';
import { chooseTask, classIndex, fitTarget } from '../data/target.js';
import type { TrainOptions } from './train-model.js';
import { trainModel } from './train-model.js';

/** The train options a fold takes: plain data (they cross to worker threads), no --init (its encoders saw every row). */
export type FoldTrainOptions = Omit<
  TrainOptions, 'init' | 'onEpoch' | 'notify' | 'resume' | 'checkpointEvery' | 'onCheckpoint' | 'shouldStop' | 'pool'
>;

/** Metrics of one fold: what `evaluate --json` prints for the task. */
export type FoldMetrics = TaskEvaluation;

/**
 * What differs between tasks, in one place: how rows are labelled for stratification and how a
 * held-out part is scored. Binary and multiclass are stratified by class; regression is plain
 * K-fold (no strata).
 */
type Task = TaskName;
export interface TaskRules {
  /** One label per row to stratify on, or undefined for plain K-fold. */
  strata(table: Table, train: FoldTrainOptions): Float64Array | undefined;
  score(model: ModelFile, heldOut: Table): FoldMetrics;
  /** Whether a lower value of each metric is better (for choosing a trial in tune). */
  lowerIsBetter(metric: string): boolean;
}
const TASKS: Record<Task, TaskRules> = {
  binary: {
    strata: (table, train) => encodeTarget(table, inferTarget(table, train.target, train.positive)),
    score: (model, heldOut) => evaluateModel(model, heldOut),
    lowerIsBetter: (metric) => metric === 'logLoss',
  },
  multiclass: {
    strata: (table, train) => Float64Array.from(classIndex(table, fitTarget(table, train.target, 'multiclass')) as Int32Array),
    score: (model, heldOut) => evaluateModel(model, heldOut),
    lowerIsBetter: (metric) => metric === 'logLoss',
  },
  regression: {
    strata: () => undefined,
    score: (model, heldOut) => evaluateModel(model, heldOut),
    lowerIsBetter: (metric) => metric === 'mse' || metric === 'rmse' || metric === 'mae',
  },
};
/** The rules of the task a run trains for: `task` settled by planFolds (auto resolved once, on the whole table). */
export function taskRules(train: FoldTrainOptions): TaskRules {
  const task = train.task ?? 'auto';
  return TASKS[task === 'auto' ? 'binary' : task];
}

/** Thrown for a fold count the data cannot support; exit code 2 (the user's input). */
export class FoldError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'FoldError';
  }
}

export interface CvOptions {
  /** K ≥ 2. */
  folds: number;
  train: FoldTrainOptions;
  /** Worker threads for the folds (default 1: in this thread); the result does not depend on it. */
  jobs?: number;
  /** Notices and warnings about the data (once, for the whole table). */
  notify?: Notify;
  /** Called as each fold finishes (in any order when jobs > 1). */
  onFold?: (done: number, total: number) => void;
}

export interface CvSummary {
  folds: FoldMetrics[];
  mean: Record<string, unknown>;
  std: Record<string, unknown>;
}

/** One unit of work: train on every row not in `heldOut`, score on `heldOut`. */
export interface FoldTask {
  train: FoldTrainOptions;
  heldOut: number[];
}

// Its own stream, so the folds do not move when another use of the seed changes.
const FOLD_STREAM = 0x27d4eb2f;

/**
 * Checks the data once against the options (target, features, encoders: errors and warnings name
 * the real file rows), settles the feature list and the positive class so that every fold uses
 * the same, and deals the folds.
 */
export function planFolds(table: Table, train: FoldTrainOptions, k: number, notify?: Notify): { train: FoldTrainOptions; folds: number[][] } {
  if (!Number.isSafeInteger(k) || k < 2) throw new FoldError(`--folds must be an integer of at least 2, got ${k}`);
  const task = chooseTask(table, train.target, train.task ?? 'auto').task;
  if ((train.task ?? 'auto') === 'auto' && task !== 'binary') notify?.(`task: ${task} (--task decides)`);
  const target = task === 'binary' ? inferTarget(table, train.target, train.positive) : undefined;
  const features = selectFeatures(table, {
    target: train.target, features: train.features, categorical: train.categorical, numeric: train.numeric, notify,
  });
  if (features.includes(train.target)) throw new DataError(`${table.file}: the target ${train.target} cannot also be a feature`);
  fitInputs(table, { features, standardize: train.standardize, categorical: train.categorical, numeric: train.numeric, notify });
  const settled: FoldTrainOptions = { ...train, task, features, ...(target ? { positive: target.positive } : {}) };
  const strata = taskRules(settled).strata(table, settled);
  if (k > table.n) throw new FoldError(`--folds ${k} is more than the ${table.n} rows of ${table.file}`);
  if (strata) {
    const counts = new Map<number, number>();
    for (const s of strata) counts.set(s, (counts.get(s) ?? 0) + 1);
    for (const [label, count] of counts) {
      if (count < k) {
        const value = target ? (label === 1 ? target.positive : `not ${target.positive}`) : String(label);
        throw new FoldError(`--folds ${k} is more than the ${count} rows of class ${JSON.stringify(value)} in ${train.target} (${table.file}): each fold needs a row of every class`);
      }
    }
  }
  const next = createRng((train.seed ^ FOLD_STREAM) | 0).next;
  const labels = strata ?? new Float64Array(table.n);
  return { train: settled, folds: stratifiedFolds(labels, k, next) };
}

/** Trains on the rows not held out and scores the held-out part. */
export function runFold(table: Table, task: FoldTask): FoldMetrics {
  const trainRows = complement(table.n, task.heldOut);
  const { model } = trainModel(subsetTable(table, trainRows), task.train);
  return taskRules(task.train).score(model, subsetTable(table, task.heldOut));
}

function mean(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Population standard deviation √(Σ(x − x̄)²/n), as numpy's default. */
function std(xs: number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / xs.length);
}

/** Applies `f` to every numeric key across the documents (recursing into nested objects such as `confusion`). */
function overNumericKeys(docs: readonly object[], f: (xs: number[]) => number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const first = docs[0] as Record<string, unknown>;
  for (const [key, value] of Object.entries(first)) {
    if (typeof value === 'number') out[key] = f(docs.map((d) => (d as Record<string, number>)[key]));
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = overNumericKeys(docs.map((d) => (d as Record<string, object>)[key]), f);
    }
  }
  return out;
}

/** The plain mean and the population std of every numeric metric over the folds. */
export function summarize(folds: FoldMetrics[]): CvSummary {
  return { folds, mean: overNumericKeys(folds, mean), std: overNumericKeys(folds, std) };
}

/** K-fold cross-validation of the train options on `table`. */
export async function crossValidate(table: Table, options: CvOptions): Promise<CvSummary> {
  const plan = planFolds(table, options.train, options.folds, options.notify);
  const tasks = plan.folds.map((heldOut) => ({ train: plan.train, heldOut }));
  const results = await runFoldTasks(table, tasks, options.jobs ?? 1, options.onFold);
  return summarize(results);
}

/**
 * Runs fold tasks, in this thread for jobs = 1, else in up to `jobs` worker threads; results in
 * task order either way.
 */
export async function runFoldTasks(
  table: Table, tasks: FoldTask[], jobs: number, onDone?: (done: number, total: number) => void,
): Promise<FoldMetrics[]> {
  if (jobs <= 1 || tasks.length <= 1) {
    return tasks.map((task, i) => {
      const metrics = runFold(table, task);
      onDone?.(i + 1, tasks.length);
      return metrics;
    });
  }
  // Loaded only here: the worker-thread module is Node-only.
  const { runInWorkers } = await import('./fold-pool.js');
  return runInWorkers(table, tasks, jobs, onDone);
}
