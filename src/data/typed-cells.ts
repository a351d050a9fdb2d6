/**
 * The CSV cell a typed value (a Parquet column's, an NDJSON object's) stands for, so both formats
 * go through the CSV reader's column builder: the same type inference, missing tokens, stray-cell
 * rule and encoders, and the same model file from the same data. A number is written the way
 * JavaScript prints it, which Number() reads back to the same double (so a category or a target
 * value of 1.0 is named "1").
 */

/** A value that has no cell: nested, binary or out of range. `reason` completes "row N, column C: …". */
export class CellError extends Error {}

const INT64_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The cell text of `value` (already trimmed, '' for missing); throws CellError for a value with none. */
export function cellText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value.trim();
    case 'number':
      // NaN is how a float column (pandas, Arrow) often stores missing; isMissing agrees.
      return Number.isNaN(value) ? '' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      if (value > INT64_SAFE || value < -INT64_SAFE) {
        throw new CellError(`${value} is too large for a float64 to hold exactly (beyond ±${Number.MAX_SAFE_INTEGER}); store the column as DOUBLE or as strings`);
      }
      return String(value);
    case 'undefined':
      return '';
    case 'object':
      if (value === null) return '';
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new CellError('an invalid date');
        return value.toISOString();
      }
      if (ArrayBuffer.isView(value)) throw new CellError('a binary value; chainrule reads numbers, strings and booleans');
      throw new CellError(`a nested ${Array.isArray(value) ? 'array' : 'object'} (${preview(value)}); chainrule reads flat values: numbers, strings, booleans, null`);
    default:
      throw new CellError(`a value of type ${typeof value}`);
  }
}

function preview(value: object): string {
  let text: string;
  try {
    text = JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
