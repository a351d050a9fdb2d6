/**
 * Encoding raw records (column name → value) into the network's input columns with the encoders
 * stored in the model file: numeric inputs standardised with (x − mean)/std (raw when the model
 * has no mean/std), a missing numeric value replaced by the mean (0 when raw); categorical inputs
 * one-hot in `categories` order, a missing value mapped to the level "(missing)" when the model
 * has it, an unknown category to all zeros (counted, so callers can warn).
 */
import type { ModelInput } from './schema.js';
import { encodedWidth } from './schema.js';
import { InputError } from '../errors.js';

export const MISSING_TOKENS: ReadonlySet<string> = new Set(['', 'NA', 'NaN', 'nan', 'null', 'NULL', '?']);
export const MISSING_LEVEL = '(missing)';

export { InputError };

export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && MISSING_TOKENS.has(value.trim()))
    || (typeof value === 'number' && Number.isNaN(value));
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

/** Writes one record's encoded columns into out[offset …]. Throws InputError naming a field that is absent or malformed. */
export function encodeRecord(
  inputs: readonly ModelInput[], record: Record<string, unknown>, out: Float64Array, offset = 0, stats?: EncodeStats,
): void {
  let c = offset;
  for (const input of inputs) {
    if (!(input.name in record)) {
      throw new InputError(input.name, `${input.name}: missing input (the model needs ${inputs.map((i) => i.name).join(', ')})`);
    }
    const value = record[input.name];
    if (input.kind === 'numeric') {
      const x = parseNumeric(value, input.name) ?? input.mean ?? 0;
      const scaled = input.mean !== undefined && input.std !== undefined
        ? (x - input.mean) / (input.std > 0 ? input.std : 1)
        : x;
      // (1e300 − mean)/std overflows to Infinity when std < 1; refuse it rather than feed the network ±Infinity.
      if (!Number.isFinite(scaled)) {
        throw new InputError(input.name, `${input.name}: ${JSON.stringify(value)} is too large for this model (standardised with mean ${input.mean} and std ${input.std} it overflows)`);
      }
      out[c++] = scaled;
    } else {
      const level = isMissing(value) ? MISSING_LEVEL : String(value);
      const at = input.categories.indexOf(level);
      for (let j = 0; j < input.categories.length; j++) out[c + j] = j === at ? 1 : 0;
      if (at < 0 && stats) stats.unknown[input.name] = (stats.unknown[input.name] ?? 0) + 1;
      c += input.categories.length;
    }
  }
}

/** Encodes many records into a new row-major matrix [records × encoded width]. */
export function encodeRecords(
  inputs: readonly ModelInput[], records: readonly Record<string, unknown>[], stats?: EncodeStats,
): { X: Float64Array; n: number; width: number } {
  const width = encodedWidth(inputs);
  const X = new Float64Array(records.length * width);
  records.forEach((record, r) => {
    try {
      encodeRecord(inputs, record, X, r * width, stats);
    } catch (err) {
      if (err instanceof InputError && records.length > 1) throw new InputError(err.field, `row ${r + 1}: ${err.message}`);
      throw err;
    }
  });
  return { X, n: records.length, width };
}
