/**
 * The target column for every task: which task `--task auto` picks and why, the target's encoder
 * (binary: the positive value; multiclass: the classes, sorted or in an `--init` model's order;
 * regression: mean/std of the training rows, or raw) and the encoded Y [rows × output units].
 * Binary's rules (positive value, two values at most) stay in prepare.ts, which this reuses.
 */
import type { TaskName } from '../math/heads.js';
import type { Column, Table } from './table.js';
import { DataError, requireColumn } from './table.js';
import { inferTarget } from './prepare.js';
import { OptionsError } from '../errors.js';

export type TargetEncoding =
  | { task: 'binary'; name: string; positive: string; negative?: string }
  | { task: 'multiclass'; name: string; classes: string[] }
  | { task: 'regression'; name: string; mean?: number; std?: number };

export type TaskChoice = TaskName | 'auto';

/** How `--task auto` decides, and the task it chose, in words for stderr. */
export interface ChosenTask {
  task: TaskName;
  reason: string;
}

function preview(levels: readonly string[]): string {
  const shown = levels.slice(0, 5).map((v) => JSON.stringify(v)).join(', ');
  return levels.length > 5 ? `${shown}, …` : shown;
}

/**
 * The task for `requested` (DESIGN.md): auto takes the `--init` model's task if there is one;
 * else two distinct target values → binary; any non-numeric value → multiclass; otherwise
 * regression. An explicit task that the column cannot carry is an OptionsError naming `task`.
 */
export function chooseTask(table: Table, name: string, requested: TaskChoice, initTask?: TaskName): ChosenTask {
  const column = requireColumn(table, name, 'target column');
  if (initTask !== undefined) {
    if (requested !== 'auto' && requested !== initTask) {
      throw new OptionsError('task', `--task ${requested} disagrees with the --init model, whose task is ${initTask}`);
    }
    return { task: initTask, reason: `the --init model's task` };
  }
  const distinct = column.levels.length;
  const numeric = column.numbers !== undefined;
  if (requested === 'auto') {
    if (distinct === 2) return { task: 'binary', reason: `column ${name} has two distinct values (${preview(column.levels)})` };
    // One value: binary, whose check says a classifier needs two classes (there is nothing to regress either).
    if (distinct < 2) return { task: 'binary', reason: `column ${name} has one value only` };
    if (!numeric) {
      const bad = column.firstNonNumeric;
      return { task: 'multiclass', reason: `column ${name} has non-numeric values (${bad ? JSON.stringify(bad.value) : preview(column.levels)}) and ${distinct > 50 ? 'more than 50' : distinct} distinct values` };
    }
    const few = distinct <= 10 && column.levels.every((v) => Number.isInteger(Number(v)));
    const hint = few ? `; it has only ${distinct} distinct integer values, so --task multiclass may be meant` : '';
    return { task: 'regression', reason: `column ${name} is numeric with ${distinct > 50 ? 'more than 50' : distinct} distinct values${hint}` };
  }
  if (requested === 'multiclass' && distinct < 3) {
    throw new OptionsError('task', `--task multiclass needs a target with at least three values; column ${name} has ${distinct} (${preview(column.levels)}): use --task binary`);
  }
  return { task: requested, reason: '--task' };
}

/** Classes in their order: numerically when every class is a number, else by code unit. */
export function sortClasses(levels: readonly string[]): string[] {
  const numeric = levels.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  return [...levels].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function noMissing(table: Table, column: Column): void {
  if (column.firstMissingRow >= 0) {
    throw new DataError(`${table.file}: row ${table.row(column.firstMissingRow)}, column ${column.name}: the target is missing`);
  }
}

export interface TargetOptions {
  /** Binary: the positive value (else inferred). */
  positive?: string;
  /** The `--init` model's target: its classes or mean/std are kept, never recomputed. */
  init?: TargetEncoding;
  /** Regression: standardise the target with the training rows' mean/std (default true). */
  standardize?: boolean;
  /** The rows the regression mean/std are fitted on (default: all). */
  fitRows?: readonly number[];
}

/** The target's encoder for `task`; errors name the file, row and column of a value that does not fit. */
export function fitTarget(table: Table, name: string, task: TaskName, options: TargetOptions = {}): TargetEncoding {
  const column = requireColumn(table, name, 'target column');
  const init = options.init;
  if (options.positive !== undefined && task !== 'binary') {
    throw new OptionsError('positive', `--positive is only for a binary target; the task is ${task}`);
  }
  switch (task) {
    case 'binary': {
      const positive = options.positive ?? (init?.task === 'binary' ? init.positive : undefined);
      const spec = inferTarget(table, name, positive);
      // The other value, so the model file can name the decision it makes when not positive.
      const negative = column.levels.find((level) => level !== spec.positive);
      return { task, ...spec, ...(negative !== undefined ? { negative } : {}) };
    }
    case 'multiclass':
      return { task, name, classes: fitClasses(table, column, init?.task === 'multiclass' ? init.classes : undefined) };
    case 'regression': {
      noMissing(table, column);
      const numbers = regressionNumbers(table, column);
      if (init?.task === 'regression') return { task, name, ...(init.mean !== undefined ? { mean: init.mean, std: init.std } : {}) };
      if (options.standardize === false) return { task, name };
      const rows = options.fitRows;
      const n = rows ? rows.length : table.n;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += numbers[rows ? rows[i] : i];
      const mean = sum / n;
      let squares = 0;
      for (let i = 0; i < n; i++) squares += (numbers[rows ? rows[i] : i] - mean) ** 2;
      const std = Math.sqrt(squares / n);
      if (!(std > 0)) throw new DataError(`${table.file}: column ${name}: the target is constant (${mean}) in the training rows; there is nothing to regress`);
      return { task, name, mean, std };
    }
    default: {
      const unknown: never = task;
      throw new RangeError(`unknown task "${String(unknown)}"`);
    }
  }
}

function regressionNumbers(table: Table, column: Column): Float64Array {
  if (column.numbers) return column.numbers;
  const bad = column.firstNonNumeric;
  const at = bad ? `row ${table.row(bad.row)}, ` : '';
  throw new DataError(`${table.file}: ${at}column ${column.name}: a regression target must be a number, got ${JSON.stringify(bad?.value ?? column.levels[0])}`);
}

function fitClasses(table: Table, column: Column, initClasses: readonly string[] | undefined): string[] {
  noMissing(table, column);
  if (!column.codes) {
    throw new DataError(`${table.file}: column ${column.name}: more than 50 distinct values is too many classes for a multiclass target (is it numeric? try --task regression)`);
  }
  if (initClasses) {
    column.levels.forEach((level, c) => {
      if (!initClasses.includes(level)) {
        throw new DataError(`${table.file}: row ${table.row(column.levelRows[c])}, column ${column.name}: class ${JSON.stringify(level)} is not one of the --init model's classes (${initClasses.join(', ')})`);
      }
    });
    return [...initClasses];
  }
  if (column.levels.length < 2) {
    throw new DataError(`${table.file}: column ${column.name}: the target has one value only, ${JSON.stringify(column.levels[0] ?? '')}; a classifier needs two classes`);
  }
  return sortClasses(column.levels);
}

/** Output units of the encoded target. */
export function targetUnits(target: TargetEncoding): number {
  return target.task === 'multiclass' ? target.classes.length : 1;
}

/**
 * Each row's class index (into `target.classes`) for multiclass, the 0/1 label for binary; for
 * regression, undefined (there are no classes to stratify by).
 */
export function classIndex(table: Table, target: TargetEncoding, rows?: readonly number[]): Int32Array | undefined {
  if (target.task === 'regression') return undefined;
  const column = requireColumn(table, target.name, 'target column');
  const codes = column.codes as Int32Array;
  const map = column.levels.map((level) => (target.task === 'binary' ? (level === target.positive ? 1 : 0) : target.classes.indexOf(level)));
  const n = rows ? rows.length : table.n;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = map[codes[rows ? rows[i] : i]];
  return out;
}

/**
 * Y [rows × units] as the network trains on it: binary 1/0; multiclass one-hot in `classes`
 * order; regression (y − mean)/std, or y raw without mean/std.
 */
export function encodeTargets(table: Table, target: TargetEncoding, rows?: readonly number[]): Float64Array {
  const n = rows ? rows.length : table.n;
  if (target.task === 'regression') {
    const column = requireColumn(table, target.name, 'target column');
    const numbers = regressionNumbers(table, column);
    const { mean, std } = target;
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = numbers[rows ? rows[i] : i];
      y[i] = mean !== undefined && std !== undefined ? (v - mean) / std : v;
    }
    return y;
  }
  const index = classIndex(table, target, rows) as Int32Array;
  if (target.task === 'binary') return Float64Array.from(index);
  const k = target.classes.length;
  const Y = new Float64Array(n * k);
  for (let i = 0; i < n; i++) Y[i * k + index[i]] = 1;
  return Y;
}

/** The raw target values (regression, before any scaling), for metrics in raw units. */
export function rawTargets(table: Table, name: string, rows?: readonly number[]): Float64Array {
  const column = requireColumn(table, name, 'target column');
  noMissing(table, column);
  const numbers = regressionNumbers(table, column);
  return rows ? Float64Array.from(rows, (r) => numbers[r]) : Float64Array.from(numbers.subarray(0, table.n));
}

/** Rows per class, in class order. */
export function classCounts(index: Int32Array, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < index.length; i++) counts[index[i]]++;
  return counts;
}

/** A class with fewer than two rows cannot be split nor learnt: refused, naming its row. */
export function checkClassSizes(table: Table, target: TargetEncoding & { task: 'multiclass' }, counts: readonly number[]): void {
  const column = requireColumn(table, target.name, 'target column');
  counts.forEach((count, c) => {
    if (count >= 2) return;
    const at = column.levels.indexOf(target.classes[c]);
    const where = at >= 0 ? `row ${table.row(column.levelRows[at])}, ` : '';
    const rows = count === 1 ? 'a single row' : 'no rows';
    throw new DataError(`${table.file}: ${where}column ${target.name}: class ${JSON.stringify(target.classes[c])} has ${rows}; each class needs at least 2 rows to train and split`);
  });
}

/** Per-row weights n/(k·n_c) (scikit-learn's class_weight="balanced" for k classes). */
export function balancedClassWeights(index: Int32Array, counts: readonly number[]): Float64Array {
  const n = index.length;
  const k = counts.length;
  const w = counts.map((c) => (c > 0 ? n / (k * c) : 0));
  return Float64Array.from(index, (c) => w[c]);
}
