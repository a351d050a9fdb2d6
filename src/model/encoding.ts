/**
 * The encoder rules, written once: how a model input turns a raw value into the network's input
 * columns. Training (data/prepare.ts encodes a column table with them), predict, explain, the ONNX
 * export (which folds the scaling into the first layer) and the guard all read them from here.
 * - numeric: (x − mean)/std with the stored mean/std (std 0 counts as 1); raw when the model has
 *   no mean/std; a missing value is replaced by the mean (0 when raw) before scaling; a value that
 *   overflows when scaled is refused, never fed to the network as ±Infinity;
 * - categorical: one-hot in `categories` order; a missing value is the level "(missing)" when the
 *   model has it; an unknown category is all zeros (counted, so callers can warn).
 */
import type { CategoricalInput, ModelInput, NumericInput } from './schema.js';
import { encodedWidth } from './schema.js';
import { InputError } from '../errors.js';

export { InputError };

export const MISSING_TOKENS: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', '?']);
export const MISSING_LEVEL = '(missing)';

export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && MISSING_TOKENS.has(value.trim()))
    || (typeof value === 'number' && Number.isNaN(value));
}

/** The encoded columns an input takes: 1 for a numeric input, one per category for a categorical one. */
export function inputSpan(input: ModelInput): number {
  return input.kind === 'numeric' ? 1 : input.categories.length;
}

/** A numeric input's encoder: encoded = standardised ? (x − shift)/scale : x, with x = fill when missing. */
export interface NumericScaling {
  /** Whether the model stores mean/std for this input (otherwise it is used raw). */
  readonly standardised: boolean;
  /** The mean (0 when raw). */
  readonly shift: number;
  /** The std, or 1 when the std is 0 (a constant column encodes as 0) or the input is raw. */
  readonly scale: number;
  /** The raw value that stands in for a missing one: the mean, or 0 when raw. */
  readonly fill: number;
}

export function numericScaling(input: NumericInput): NumericScaling {
  const standardised = input.mean !== undefined && input.std !== undefined;
  return {
    standardised,
    shift: standardised ? input.mean as number : 0,
    scale: standardised && (input.std as number) > 0 ? input.std as number : 1,
    fill: input.mean ?? 0,
  };
}

/** The encoded value of raw x (NaN for missing); may be ±Infinity for a huge x: check with Number.isFinite. */
export function scaleNumeric(scaling: NumericScaling, x: number): number {
  const v = Number.isNaN(x) ? scaling.fill : x;
  return scaling.standardised ? (v - scaling.shift) / scaling.scale : v;
}

/** Why an encoded value overflowed; `shown` is the raw value as the user wrote it. */
export function overflowDetail(input: NumericInput, shown: string): string {
  return `${shown} is too large for this model (standardised with mean ${input.mean} and std ${input.std} it overflows)`;
}

/** The level a raw categorical value stands for: "(missing)" for a missing value, else its text. */
export function categoryLevel(value: unknown): string {
  return isMissing(value) ? MISSING_LEVEL : String(value);
}

/** Level → its one-hot column within the input (−1 for a level unseen in training). */
export function categoryLookup(input: CategoricalInput): (level: string) => number {
  const index = new Map<string, number>();
  input.categories.forEach((category, j) => {
    if (!index.has(category)) index.set(category, j);
  });
  return (level) => index.get(level) ?? -1;
}

export interface EncodeStats {
  /** Count of unknown categories met, by input name. */
  unknown: Record<string, number>;
}

/** The raw (unscaled) numeric value of a field, or undefined when missing. */
export function parseNumeric(value: unknown, field: string): number | undefined {
  if (isMissing(value)) return undefined;
  const x = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(x)) {
    throw new InputError(field, `${field}: expected a finite number, got ${JSON.stringify(value)}`);
  }
  return x;
}

/**
 * One input's encoder: writes the encoded columns of one raw value into out[at …] (the input's
 * span; a categorical input writes every one-hot column). Throws InputError for a malformed or
 * overflowing value. `column` is where the input's columns start within an encoded row.
 */
export interface InputEncoder {
  readonly input: ModelInput;
  readonly column: number;
  readonly encode: (value: unknown, out: Float64Array, at: number, stats?: EncodeStats) => void;
}

/** Each input's encoder, its rule (scaling or category lookup) prepared once. */
export function inputEncoders(inputs: readonly ModelInput[]): InputEncoder[] {
  let column = 0;
  return inputs.map((input): InputEncoder => {
    const at = column;
    column += inputSpan(input);
    if (input.kind === 'numeric') {
      const scaling = numericScaling(input);
      return {
        input, column: at, encode: (value, out, c) => {
          const scaled = scaleNumeric(scaling, parseNumeric(value, input.name) ?? NaN);
          if (!Number.isFinite(scaled)) throw new InputError(input.name, `${input.name}: ${overflowDetail(input, JSON.stringify(value))}`);
          out[c] = scaled;
        },
      };
    }
    const lookup = categoryLookup(input);
    const span = input.categories.length;
    return {
      input, column: at, encode: (value, out, c, stats) => {
        const hot = lookup(categoryLevel(value));
        for (let j = 0; j < span; j++) out[c + j] = j === hot ? 1 : 0;
        if (hot < 0 && stats) stats.unknown[input.name] = (stats.unknown[input.name] ?? 0) + 1;
      },
    };
  });
}

/** A record's encoder for these inputs, with each input's rule prepared once (for encoding many records). */
export type RecordEncoder = (record: Record<string, unknown>, out: Float64Array, offset?: number, stats?: EncodeStats) => void;

export function recordEncoder(inputs: readonly ModelInput[]): RecordEncoder {
  const encoders = inputEncoders(inputs);
  return (record, out, offset = 0, stats) => {
    for (const { input, column, encode } of encoders) {
      if (!(input.name in record)) {
        throw new InputError(input.name, `${input.name}: missing input (the model needs ${inputs.map((i) => i.name).join(', ')})`);
      }
      encode(record[input.name], out, offset + column, stats);
    }
  };
}

/** Writes one record's encoded columns into out[offset …]. Throws InputError naming a field that is absent or malformed. */
export function encodeRecord(
  inputs: readonly ModelInput[], record: Record<string, unknown>, out: Float64Array, offset = 0, stats?: EncodeStats,
): void {
  recordEncoder(inputs)(record, out, offset, stats);
}

/** Encodes many records into a new row-major matrix [records × encoded width]; an error of one of several records names its row. */
export function encodeRecords(
  inputs: readonly ModelInput[], records: readonly Record<string, unknown>[], stats?: EncodeStats,
): { X: Float64Array; n: number; width: number } {
  const width = encodedWidth(inputs);
  const X = new Float64Array(records.length * width);
  const encode = recordEncoder(inputs);
  records.forEach((record, r) => {
    try {
      encode(record, X, r * width, stats);
    } catch (err) {
      if (err instanceof InputError && records.length > 1) throw err.atRow(r);
      throw err;
    }
  });
  return { X, n: records.length, width };
}
