/**
 * Hyper-parameter search with cross-validation inside: every trial (a setting of some train
 * options) is cross-validated on the same folds, so trials are compared on the same held-out
 * rows; the best trial has the best mean of the chosen metric (ties: the earlier trial). Grid
 * search tries every combination; random search a seeded sample of them, without repeats.
 */
import { createRng } from '../math/rng.js';
import type { Table } from '../data/csv.js';
import type { Notify } from '../data/prepare.js';
import type { FoldMetrics, FoldTask, FoldTrainOptions } from './cross-validate.js';
import { planFolds, runFoldTasks, summarize, taskRules, type TaskRules } from './cross-validate.js';

/** A trial's settings as the user named them (flag names in camelCase → parsed values). */
export type TrialParams = Record<string, unknown>;

export interface Trial {
  params: TrialParams;
  /** The full train options of the trial (the base options with `params` applied). */
  train: FoldTrainOptions;
}

export interface TuneOptions {
  folds: number;
  /** The metric whose fold mean picks the best trial (a numeric key of evaluate's metrics). */
  metric: string;
  jobs?: number;
  notify?: Notify;
  /** Called as each (trial, fold) run finishes. */
  onProgress?: (done: number, total: number) => void;
}

export interface TrialResult {
  params: TrialParams;
  mean: Record<string, unknown>;
  std: Record<string, unknown>;
}

export interface TuneResult {
  trials: TrialResult[];
  best: { params: TrialParams; mean: Record<string, unknown> };
  /** Index of the best trial in `trials`. */
  bestIndex: number;
}

/** The metric names a trial can be chosen by: the numeric top-level keys of evaluate's metrics. */
export const TUNE_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'rocAuc', 'logLoss'] as const;

/** A numeric interval random search draws from: uniformly, log-uniformly, or uniformly over its integers. */
export interface NumericRange {
  lo: number;
  hi: number;
  log: boolean;
  integer: boolean;
}

/** What one parameter may take: listed values, or (random search only) a range. */
export type Dimension = readonly unknown[] | NumericRange;
export type SearchSpace = ReadonlyArray<readonly [string, Dimension]>;

const isList = (d: Dimension): d is readonly unknown[] => Array.isArray(d);

/** Every combination of the values, the first parameter varying slowest (as nested loops). */
export function gridPoints(space: SearchSpace): TrialParams[] {
  let points: TrialParams[] = [{}];
  for (const [key, values] of space) {
    if (!isList(values)) throw new RangeError(`${key}: a range can only be drawn from (random search), not listed in a grid`);
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return points;
}

function drawFrom(range: NumericRange, next: () => number): number {
  if (range.integer) return range.lo + Math.floor(next() * (range.hi - range.lo + 1));
  if (range.log) return Math.exp(Math.log(range.lo) + next() * (Math.log(range.hi) - Math.log(range.lo)));
  return range.lo + next() * (range.hi - range.lo);
}

/**
 * `count` distinct grid points drawn with the seed, in the order drawn (all of them, shuffled,
 * when `count` is at least the grid's size). Points are drawn by index, so a large grid is never
 * listed whole.
 */
export function randomPoints(space: SearchSpace, count: number, seed: number): TrialParams[] {
  const next = createRng((seed ^ RANDOM_STREAM) | 0).next;
  if (!space.every(([, d]) => isList(d))) return independentPoints(space, count, next);
  const lists = space as ReadonlyArray<readonly [string, readonly unknown[]]>;
  const size = lists.reduce((s, [, values]) => s * values.length, 1);
  const want = Math.min(count, size);
  const seen = new Set<number>();
  const points: TrialParams[] = [];
  while (points.length < want) {
    const index = Math.floor(next() * size);
    if (seen.has(index)) continue;
    seen.add(index);
    // Mixed radix, last parameter fastest (as gridPoints).
    const point: TrialParams = {};
    let rest = index;
    for (let p = lists.length - 1; p >= 0; p--) {
      const [key, values] = lists[p];
      point[key] = values[rest % values.length];
      rest = Math.floor(rest / values.length);
    }
    points.push(Object.fromEntries(space.map(([key]) => [key, point[key]])));
  }
  return points;
}

const RANDOM_STREAM = 0x165667b1;

/**
 * With a range in the space: each parameter drawn on its own (a listed value uniformly, a range
 * as it says), repeats drawn again; fewer than `count` only when the space has fewer points.
 */
function independentPoints(space: SearchSpace, count: number, next: () => number): TrialParams[] {
  const seen = new Set<string>();
  const points: TrialParams[] = [];
  for (let attempts = 0; points.length < count && attempts < 100 * count; attempts++) {
    const point: TrialParams = {};
    for (const [key, d] of space) point[key] = isList(d) ? d[Math.floor(next() * d.length)] : drawFrom(d, next);
    const id = JSON.stringify(point);
    if (seen.has(id)) continue;
    seen.add(id);
    points.push(point);
  }
  return points;
}

function better(rules: TaskRules, metric: string, a: unknown, b: unknown): boolean {
  const x = typeof a === 'number' && !Number.isNaN(a) ? a : undefined;
  const y = typeof b === 'number' && !Number.isNaN(b) ? b : undefined;
  if (x === undefined) return false;
  if (y === undefined) return true;
  return rules.lowerIsBetter(metric) ? x < y : x > y;
}

/** Cross-validates every trial on the same folds and picks the best by `metric`. */
export async function tune(table: Table, trials: readonly Trial[], options: TuneOptions): Promise<TuneResult> {
  if (trials.length === 0) throw new RangeError('tune needs at least one trial');
  // Folds depend on the seed and the labels only; the plan also settles features and the positive class once.
  const plan = planFolds(table, trials[0].train, options.folds, options.notify);
  const settled = trials.map((t) => ({ ...t.train, features: plan.train.features, positive: plan.train.positive }));
  const tasks: FoldTask[] = settled.flatMap((train) => plan.folds.map((heldOut) => ({ train, heldOut })));
  const metrics = await runFoldTasks(table, tasks, options.jobs ?? 1, options.onProgress);
  const k = plan.folds.length;
  const results: TrialResult[] = trials.map((trial, i) => {
    const { mean, std } = summarize(metrics.slice(i * k, (i + 1) * k) as FoldMetrics[]);
    return { params: trial.params, mean, std };
  });
  const rules = taskRules(plan.train);
  let bestIndex = 0;
  results.forEach((r, i) => {
    if (better(rules, options.metric, r.mean[options.metric], results[bestIndex].mean[options.metric])) bestIndex = i;
  });
  return { trials: results, best: { params: results[bestIndex].params, mean: results[bestIndex].mean }, bestIndex };
}
