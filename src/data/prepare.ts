/**
 * From a column table to a training set: find the target's positive value, choose the feature
 * columns (leaving out id-like ones), infer each one's kind, fit the encoders (mean/std on the
 * training rows only) and encode X and Y. The encoder rules themselves live in model/encoding.ts
 * (data/ imports model/, never the reverse).
 *
 * Over 300 lines because feature choice, kind inference and the error messages naming rows and
 * columns share the column scans.
 */
import type { CategoricalInput, ModelInput } from '../model/schema.js';
import { BINARY_PAIRS, encodedWidth } from '../model/schema.js';
import type { Column, Table } from './table.js';
import { DataError, LEVEL_CAP, requireColumn } from './table.js';
import type { EncodeStats } from '../model/encoding.js';
import {
  categoryLookup, inputSpan, MISSING_LEVEL, numericScaling, overflowDetail, scaleNumeric,
} from '../model/encoding.js';

export interface TargetSpec {
  name: string;
  /** The value that counts as the positive class (label 1). */
  positive: string;
}

const POSITIVE = BINARY_PAIRS.map(([positive]) => positive);
const NEGATIVE = BINARY_PAIRS.map(([, negative]) => negative);

/** Receives notices and warnings meant for the user (the CLI prints them on stderr). */
export type Notify = (message: string) => void;

/** Checks a target column has no missing value and at most two values; returns the values seen. */
export function targetValues(table: Table, name: string): readonly string[] {
  const column = requireColumn(table, name, 'target column');
  if (column.firstMissingRow >= 0) {
    throw new DataError(`${table.file}: row ${table.row(column.firstMissingRow)}, column ${name}: the target is missing`);
  }
  if (column.levels.length > 2) {
    const [a, b, c] = column.levels;
    throw new DataError(`${table.file}: row ${table.row(column.levelRows[2])}, column ${name}: target must have two values, found a third: ${JSON.stringify(c)} (after ${JSON.stringify(a)}, ${JSON.stringify(b)})`);
  }
  return column.levels;
}

/** Finds the positive value of a binary target column; errors name the row of a third value. */
export function inferTarget(table: Table, name: string, positive?: string): TargetSpec {
  const seen = targetValues(table, name);
  // One rule whichever the value is (all 0 used to be refused and all 1 trained).
  if (seen.length < 2) {
    throw new DataError(`${table.file}: column ${name}: the target has one value only, ${JSON.stringify(seen[0] ?? '')}, on all ${table.n} rows; a classifier needs two classes`);
  }
  if (positive !== undefined) {
    if (!seen.includes(positive)) throw new DataError(`${table.file}: column ${name}: positive value ${JSON.stringify(positive)} does not occur (values: ${seen.join(', ')})`);
    return { name, positive };
  }
  const pos = seen.find((v) => POSITIVE.includes(v.toLowerCase()));
  const neg = seen.find((v) => NEGATIVE.includes(v.toLowerCase()));
  if (pos !== undefined && (seen.length === 1 || neg !== undefined)) return { name, positive: pos };
  throw new DataError(`${table.file}: column ${name}: cannot tell the positive class of values ${seen.map((s) => JSON.stringify(s)).join(', ')}; pass --positive VALUE`);
}

/** Encoded targets: 1 for the positive value, else 0 (call targetValues or inferTarget first). */
export function encodeTarget(table: Table, target: TargetSpec, rows?: readonly number[]): Float64Array {
  const column = requireColumn(table, target.name, 'target column');
  const codes = column.codes as Int32Array;
  const positive = column.levels.indexOf(target.positive);
  const n = rows ? rows.length : table.n;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = codes[rows ? rows[i] : i] === positive ? 1 : 0;
  return y;
}

/** Consecutive distinct integers are taken for a row number only from this many rows on. */
const ROW_NUMBER_MIN_ROWS = 100;
const ID_WORD = /(^id$|[_\s-]id$|^id[_\s-]|_no$|^key$|_key$)/i;
/** Case matters here: `userId` is an id, `paid` and `valid` are not. */
const ID_CAMEL = /[a-z](Id|ID)$/;
const looksLikeId = (name: string): boolean => ID_WORD.test(name) || ID_CAMEL.test(name);

/**
 * An id-like column carries no signal and is left out by default: a value on every row and no
 * value twice, and either strings (e.g. "E1001") over more than LEVEL_CAP rows or named like an
 * id, or integers whose name looks like an id
 * (`id`, `employee_id`, `userId`, `_no`, `key`) or that run consecutively over at least 100 rows
 * (a row number).
 */
export function isIdLike(column: Column, n: number): boolean {
  if (n < 2 || column.missing > 0) return false;
  // Up to LEVEL_CAP rows a distinct string column is still a usable categorical; past it, it would be refused.
  if (!column.numbers) return column.distinct && (n > LEVEL_CAP || looksLikeId(column.name));
  const xs = column.numbers;
  for (let i = 0; i < n; i++) if (!Number.isInteger(xs[i])) return false;
  const sorted = Float64Array.from(xs).sort();
  for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) return false;
  // In a small file a short run like 1, 2, 3 is as likely a feature as a row number.
  return looksLikeId(column.name) || (n >= ROW_NUMBER_MIN_ROWS && sorted[n - 1] - sorted[0] === n - 1);
}

export interface FeatureOptions {
  target: string;
  /** Given feature columns; default every column but the target and id-like ones. */
  features?: readonly string[];
  categorical?: readonly string[];
  numeric?: readonly string[];
  notify?: Notify;
}

/** The feature columns to train on; notices name the id-like columns left out. */
export function selectFeatures(table: Table, options: FeatureOptions): string[] {
  const declared = [...(options.categorical ?? []), ...(options.numeric ?? [])];
  for (const name of declared) requireColumn(table, name);
  const both = (options.categorical ?? []).find((name) => options.numeric?.includes(name));
  if (both) throw new DataError(`column ${both} is declared both --categorical and --numeric`);
  if (options.features) {
    for (const name of options.features) requireColumn(table, name);
    if (options.features.includes(options.target)) throw new DataError(`${table.file}: the target ${options.target} cannot also be a feature`);
    return [...options.features];
  }
  const features: string[] = [];
  for (const name of table.header) {
    if (name === options.target) continue;
    const column = requireColumn(table, name);
    if (!declared.includes(name) && isIdLike(column, table.n)) {
      options.notify?.(`notice: ${table.file}: leaving out column ${name}: it looks like an id (a distinct value on every row); name it in --features to use it`);
      continue;
    }
    features.push(name);
  }
  if (features.length === 0) throw new DataError(`${table.file}: no feature columns besides the target ${options.target}`);
  return features;
}

export interface InferOptions {
  features: readonly string[];
  /** Fit mean/std for numeric inputs (default true). */
  standardize: boolean;
  /** Rows the encoders are fitted on (the training split); default all. */
  fitRows?: readonly number[];
  categorical?: readonly string[];
  numeric?: readonly string[];
  notify?: Notify;
}

function notANumber(table: Table, column: Column): DataError {
  const bad = column.firstNonNumeric as { row: number; value: string };
  return new DataError(`${table.file}: row ${table.row(bad.row)}, column ${column.name}: expected a number, got ${JSON.stringify(bad.value)}`);
}

function tooManyLevels(table: Table, column: Column, count?: number): DataError {
  // The row where the (LEVEL_CAP + 1)th distinct value first appears: where the column went over.
  const at = column.levelRows[LEVEL_CAP];
  const where = at === undefined ? '' : `row ${table.row(at)}, `;
  const first = at === undefined ? '' : ` (the ${LEVEL_CAP + 1}st distinct value, ${JSON.stringify(column.levels[LEVEL_CAP])}, is here)`;
  return new DataError(`${table.file}: ${where}column ${column.name}: a categorical column may have at most ${LEVEL_CAP} levels, this one has ${count ?? `more than ${LEVEL_CAP}`}${first}; leave it out with --features (or declare it --numeric if it is a number)`);
}

/** At most this share of a column's present values may fail to parse for it still to be a column of numbers with typos. */
const STRAY_SHARE = 0.05;

/**
 * A column that is numbers but for a few cells (a typo such as "8O.5", a stray "unknown"):
 * at most max(1, 5%) of its present values do not parse, and at least four times as many do.
 * Read as categorical it would train silently on codes of numbers, so it is an error instead.
 */
export function strayCells(column: Column): number {
  const bad = column.nonNumericCount ?? 0;
  const good = column.numericCount ?? 0;
  if (column.numbers || bad === 0) return 0;
  return bad <= Math.max(1, STRAY_SHARE * (bad + good)) && good >= 4 * bad ? bad : 0;
}

function strayError(table: Table, column: Column, strays: number): DataError {
  const bad = column.firstNonNumeric as { row: number; value: string };
  const present = (column.numericCount ?? 0) + strays;
  const more = strays > 1 ? ` (and ${strays - 1} more such value${strays > 2 ? 's' : ''})` : '';
  return new DataError(`${table.file}: row ${table.row(bad.row)}, column ${column.name}: ${JSON.stringify(bad.value)} is not a number, while ${present - strays} of the column's ${present} values are${more}; `
    + `fix it, read it as missing with --missing ${JSON.stringify(bad.value)}, or read the column as categorical with --categorical ${column.name}`);
}

function fitNumeric(table: Table, column: Column, fitRows: readonly number[] | undefined, options: InferOptions): ModelInput {
  const xs = column.numbers as Float64Array;
  const n = fitRows ? fitRows.length : table.n;
  // Sums in row order, so the same rows give the same bytes.
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xs[fitRows ? fitRows[i] : i];
    if (Number.isNaN(x)) continue;
    count++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (count === 0) throw new DataError(`${table.file}: column ${column.name}: no values in the training rows (all missing)`);
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[fitRows ? fitRows[i] : i];
    if (!Number.isNaN(x)) squares += (x - mean) ** 2;
  }
  const std = Math.sqrt(squares / count);
  if (std === 0) {
    options.notify?.(`warning: ${table.file}: column ${column.name} is constant (${mean}) in the training rows; it carries no information and is encoded as 0`);
  }
  return options.standardize
    ? { name: column.name, kind: 'numeric', mean, std, min, max }
    : { name: column.name, kind: 'numeric', min, max };
}

function fitCategorical(table: Table, column: Column, fitRows: readonly number[] | undefined, options: InferOptions): ModelInput {
  if (!column.codes) throw tooManyLevels(table, column);
  const used = new Uint8Array(column.levels.length);
  let missing = false;
  const n = fitRows ? fitRows.length : table.n;
  for (let i = 0; i < n; i++) {
    const code = column.codes[fitRows ? fitRows[i] : i];
    if (code < 0) missing = true;
    else used[code] = 1;
  }
  const levels = column.levels.filter((_, c) => used[c]);
  if (missing) levels.push(MISSING_LEVEL);
  levels.sort();
  if (levels.length > LEVEL_CAP) throw tooManyLevels(table, column, levels.length);
  if (levels.length === 1) {
    options.notify?.(`warning: ${table.file}: column ${column.name} is constant (${JSON.stringify(levels[0])}) in the training rows; it carries no information`);
  }
  return { name: column.name, kind: 'categorical', categories: levels };
}

/** Infers and fits the model inputs for the chosen feature columns. */
export function fitInputs(table: Table, options: InferOptions): ModelInput[] {
  return options.features.map((name) => {
    const column = requireColumn(table, name);
    const declaredNumeric = options.numeric?.includes(name) ?? false;
    const declaredCategorical = options.categorical?.includes(name) ?? false;
    if (declaredNumeric && !column.numbers) throw notANumber(table, column);
    const strays = declaredCategorical ? 0 : strayCells(column);
    if (strays > 0) throw strayError(table, column, strays);
    const numeric = declaredNumeric || (!declaredCategorical && column.numbers !== undefined);
    return numeric ? fitNumeric(table, column, options.fitRows, options) : fitCategorical(table, column, options.fitRows, options);
  });
}

/** For each level code of a column, the input's one-hot column for that level (−1 unknown); slot 0 is for missing. */
function categoryIndex(column: Column, input: CategoricalInput): Int32Array {
  const lookup = categoryLookup(input);
  const index = new Int32Array(column.levels.length + 1);
  index[0] = lookup(MISSING_LEVEL);
  column.levels.forEach((level, c) => {
    index[c + 1] = lookup(level);
  });
  return index;
}

/**
 * Encodes the given rows of the table with fitted inputs into X [rows × width] by the encoder
 * rules of model/encoding.ts, as encodeRecord does one record (column by column here, for speed);
 * unknown categories become all zeros and are counted in `stats`.
 */
export function encodeTable(table: Table, inputs: readonly ModelInput[], rows?: readonly number[], stats?: EncodeStats): Float64Array {
  const n = rows ? rows.length : table.n;
  const width = encodedWidth(inputs);
  const X = new Float64Array(n * width);
  let offset = 0;
  for (const input of inputs) {
    const column = requireColumn(table, input.name, 'model input');
    if (input.kind === 'numeric') {
      if (!column.numbers) throw notANumber(table, column);
      const xs = column.numbers;
      const scaling = numericScaling(input);
      for (let i = 0; i < n; i++) {
        const raw = xs[rows ? rows[i] : i];
        const value = scaleNumeric(scaling, raw);
        if (!Number.isFinite(value)) {
          throw new DataError(`${table.file}: row ${table.row(rows ? rows[i] : i)}, column ${input.name}: ${overflowDetail(input, String(raw))}`);
        }
        X[i * width + offset] = value;
      }
    } else {
      if (!column.codes) throw tooManyLevels(table, column);
      const codes = column.codes;
      const index = categoryIndex(column, input);
      let unknown = 0;
      for (let i = 0; i < n; i++) {
        const at = index[codes[rows ? rows[i] : i] + 1];
        if (at >= 0) X[i * width + offset + at] = 1;
        else unknown++;
      }
      if (unknown > 0 && stats) stats.unknown[input.name] = (stats.unknown[input.name] ?? 0) + unknown;
    }
    offset += inputSpan(input);
  }
  return X;
}

/**
 * Seeded stratified split: `fraction` of each class goes to validation. `labels` are class
 * indices 0 … classes − 1 (binary: 0/1); the classes are visited in that order.
 */
export function stratifiedSplit(
  labels: Float64Array | Int32Array, fraction: number, next: () => number, classes = 2,
): { train: number[]; val: number[] } {
  const train: number[] = [];
  const val: number[] = [];
  for (let cls = 0; cls < classes; cls++) {
    const idx: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === cls) idx.push(i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const nVal = Math.round(idx.length * fraction);
    for (let i = 0; i < idx.length; i++) (i < nVal ? val : train).push(idx[i]);
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

/** Seeded plain split (regression: no classes to stratify by): `fraction` of the rows go to validation. */
export function randomSplit(n: number, fraction: number, next: () => number): { train: number[]; val: number[] } {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const nVal = Math.round(n * fraction);
  return { train: idx.slice(nVal).sort((a, b) => a - b), val: idx.slice(0, nVal).sort((a, b) => a - b) };
}

/** Per-row weights n / (2·n_c) from the class counts of `y` (scikit-learn's class_weight="balanced"). */
export function balancedWeights(y: Float64Array, counts: { positive: number; negative: number } = countClasses(y)): Float64Array {
  const total = counts.positive + counts.negative;
  const wPos = counts.positive > 0 ? total / (2 * counts.positive) : 0;
  const wNeg = counts.negative > 0 ? total / (2 * counts.negative) : 0;
  return Float64Array.from(y, (label) => (label === 1 ? wPos : wNeg));
}

export function countClasses(y: Float64Array): { positive: number; negative: number } {
  let positive = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) positive++;
  return { positive, negative: y.length - positive };
}
