/**
 * From a table of strings to a training set: choose the feature columns, infer each one's kind,
 * fit the encoders (mean/std on the training rows only) and encode X and Y.
 */
import type { ModelInput } from '../model/schema.js';
import { encodedWidth } from '../model/schema.js';
import type { Table } from './csv.js';
import { DataError } from './csv.js';
import { encodeRecord, isMissing, MISSING_LEVEL } from './encode.js';

export interface TargetSpec {
  name: string;
  /** The value that counts as the positive class (label 1). */
  positive: string;
}

const POSITIVE = ['1', 'true', 'yes', 'y', 't'];
const NEGATIVE = ['0', 'false', 'no', 'n', 'f'];

/** Finds the positive value of a binary target column; errors name the row of a third value. */
export function inferTarget(table: Table, name: string, positive?: string): TargetSpec {
  const col = table.header.indexOf(name);
  if (col < 0) throw new DataError(`${table.file}: target column "${name}" not found (columns: ${table.header.join(', ')})`);
  const seen: string[] = [];
  table.rows.forEach((row, r) => {
    const v = row[col];
    if (isMissing(v)) throw new DataError(`${table.file}: row ${r + 2}, column ${name}: the target is missing`);
    if (!seen.includes(v)) {
      seen.push(v);
      if (seen.length > 2) {
        throw new DataError(`${table.file}: row ${r + 2}, column ${name}: target must have two values, found a third: ${JSON.stringify(v)} (after ${seen.slice(0, 2).map((s) => JSON.stringify(s)).join(', ')})`);
      }
    }
  });
  if (positive !== undefined) {
    if (!seen.includes(positive)) throw new DataError(`${table.file}: column ${name}: positive value ${JSON.stringify(positive)} does not occur (values: ${seen.join(', ')})`);
    return { name, positive };
  }
  const pos = seen.find((v) => POSITIVE.includes(v.toLowerCase()));
  const neg = seen.find((v) => NEGATIVE.includes(v.toLowerCase()));
  if (pos !== undefined && (seen.length === 1 || neg !== undefined)) return { name, positive: pos };
  throw new DataError(`${table.file}: column ${name}: cannot tell the positive class of values ${seen.map((s) => JSON.stringify(s)).join(', ')}; pass --positive VALUE`);
}

/** Encoded targets: 1 for the positive value, else 0. */
export function encodeTarget(table: Table, target: TargetSpec, rows?: readonly number[]): Float64Array {
  const col = table.header.indexOf(target.name);
  const idx = rows ?? table.rows.map((_, r) => r);
  return Float64Array.from(idx, (r) => (table.rows[r][col] === target.positive ? 1 : 0));
}

export interface InferOptions {
  features: string[];
  /** Fit mean/std for numeric inputs (default true). */
  standardize: boolean;
  /** Rows the encoders are fitted on (the training split); default all. */
  fitRows?: readonly number[];
  categorical?: string[];
  numeric?: string[];
}

/** Infers and fits the model inputs for the chosen feature columns. */
export function fitInputs(table: Table, options: InferOptions): ModelInput[] {
  const fitRows = options.fitRows ?? table.rows.map((_, r) => r);
  return options.features.map((name) => {
    const col = table.header.indexOf(name);
    if (col < 0) throw new DataError(`${table.file}: column "${name}" not found (columns: ${table.header.join(', ')})`);
    const values = fitRows.map((r) => table.rows[r][col]);
    const present = values.filter((v) => !isMissing(v));
    const allNumeric = present.every((v) => Number.isFinite(Number(v)));
    const kind = options.numeric?.includes(name) ? 'numeric' : options.categorical?.includes(name) ? 'categorical' : allNumeric ? 'numeric' : 'categorical';
    if (kind === 'numeric') {
      table.rows.forEach((row, r) => {
        if (!isMissing(row[col]) && !Number.isFinite(Number(row[col]))) {
          throw new DataError(`${table.file}: row ${r + 2}, column ${name}: expected a number, got ${JSON.stringify(row[col])}`);
        }
      });
      const xs = present.map(Number);
      if (xs.length === 0) throw new DataError(`${table.file}: column ${name}: no values`);
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
      // A loop, not Math.min(...xs): a million arguments overflow the stack.
      let min = Infinity;
      let max = -Infinity;
      for (const x of xs) {
        if (x < min) min = x;
        if (x > max) max = x;
      }
      return options.standardize
        ? { name, kind: 'numeric' as const, mean, std, min, max }
        : { name, kind: 'numeric' as const, min, max };
    }
    const levels = [...new Set(values.map((v) => (isMissing(v) ? MISSING_LEVEL : v)))].sort();
    return { name, kind: 'categorical' as const, categories: levels };
  });
}

/** Encodes the given rows of the table with fitted inputs into X [rows × width]. */
export function encodeTable(table: Table, inputs: readonly ModelInput[], rows?: readonly number[]): Float64Array {
  const idx = rows ?? table.rows.map((_, r) => r);
  const width = encodedWidth(inputs);
  const cols = inputs.map((input) => table.header.indexOf(input.name));
  const X = new Float64Array(idx.length * width);
  const record: Record<string, string> = {};
  idx.forEach((r, i) => {
    inputs.forEach((input, k) => {
      if (cols[k] < 0) throw new DataError(`${table.file}: column "${input.name}" (a model input) not found`);
      record[input.name] = table.rows[r][cols[k]];
    });
    try {
      encodeRecord(inputs, record, X, i * width);
    } catch (err) {
      throw new DataError(`${table.file}: row ${r + 2}, column ${(err as Error).message}`);
    }
  });
  return X;
}

/** Seeded stratified split: `fraction` of each class goes to validation. */
export function stratifiedSplit(labels: Float64Array, fraction: number, next: () => number): { train: number[]; val: number[] } {
  const train: number[] = [];
  const val: number[] = [];
  for (const cls of [0, 1]) {
    const idx = [...labels.keys()].filter((i) => labels[i] === cls);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const nVal = Math.round(idx.length * fraction);
    val.push(...idx.slice(0, nVal));
    train.push(...idx.slice(nVal));
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}
