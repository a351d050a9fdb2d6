/**
 * The HTTP request bodies, validated with zod at the edge. A failure becomes a RequestError that
 * names the field (a body key such as `rows`, or a model input such as `years_experience`) and,
 * for many rows, the row's 0-based index.
 */
import * as zodModule from 'zod';
import { z } from 'zod';
import { RequestError } from '../errors.js';
import { provide } from '../on-demand.js';

// zod is imported here anyway: the model schema takes this copy rather than requiring its own.
provide('zod', zodModule);

export { RequestError };

/** A raw column value as a client sends it: a number, a string, or null for missing. */
const cellSchema = z.union([z.number(), z.string(), z.null()]);
const recordSchema = z.record(z.string(), cellSchema);
export type RawRecord = z.infer<typeof recordSchema>;

/** The most rows one request may score; the 1 MiB body limit bounds it anyway. */
export const MAX_ROWS = 10_000;

const predictSchema = z.object({ rows: z.array(recordSchema).min(1).max(MAX_ROWS) });

const explainSchema = z.object({
  input: recordSchema,
  // Per the model's task (binary a number in [0, 1], multiclass a class name, regression a number): checked in explain.ts.
  target: z.union([z.number(), z.string()]),
  lr: z.number().positive().optional(),
  param: z.string().min(1).optional(),
  // Attributions and counterfactuals (DESIGN.md "Attributions"): the method, the row cap and the
  // baseline's inputs are checked by app/attributions.ts, which names the field.
  attributions: z.string().optional(),
  background: z.array(recordSchema).optional(),
  backgroundSize: z.number().optional(),
  baseline: recordSchema.optional(),
  seed: z.number().optional(),
  class: z.string().optional(),
  counterfactuals: z.object({
    immutable: z.array(z.string()).optional(),
    ranges: z.record(z.string(), z.tuple([z.number(), z.number()])).optional(),
    maxChanges: z.number().optional(),
    // Multiclass / regression goals: any JSON here, checked by app/counterfactuals.ts so the
    // error names desiredClass or desiredRange rather than the enclosing key.
    desiredClass: z.unknown().optional(),
    desiredRange: z.unknown().optional(),
  }).optional(),
});
export type ExplainRequest = z.infer<typeof explainSchema>;

/** How much of a bad value an error message quotes. */
const QUOTE_CHARS = 60;

/**
 * A short quote of a client's value for an error message. It never stringifies the whole value:
 * JSON.stringify of `rows` nested 100,000 levels deep overflows the stack (a 500 for a client's
 * mistake), and a 1 MiB value would be copied only to be cut. Walks at most a few levels and
 * stops once the quote is long enough.
 */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = preview(value, 3, QUOTE_CHARS + 1);
  return text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS - 3)}...` : text;
}

function preview(value: unknown, depth: number, budget: number): string {
  if (value === null || typeof value !== 'object') {
    const text = typeof value === 'string' ? JSON.stringify(value.length > budget ? value.slice(0, budget) : value) : String(JSON.stringify(value) ?? value);
    return text;
  }
  const isArray = Array.isArray(value);
  if (depth === 0) return isArray ? '[...]' : '{...}';
  let out = isArray ? '[' : '{';
  const keys = isArray ? [] : Object.keys(value);
  const count = isArray ? (value as unknown[]).length : keys.length;
  for (let i = 0; i < count && out.length <= budget; i++) {
    if (i > 0) out += ',';
    const item = isArray ? (value as unknown[])[i] : (value as Record<string, unknown>)[keys[i]];
    if (!isArray) out += `${JSON.stringify(keys[i].length > budget ? keys[i].slice(0, budget) : keys[i])}:`;
    out += preview(item, depth - 1, budget - out.length);
  }
  return out.length > budget ? out : `${out}${isArray ? ']' : '}'}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Looks up the value at a zod issue path so the message can quote it. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * Turns the first zod issue into a RequestError. Inside a record (path `rows[i].col` or
 * `input.col`) the field is the column name; otherwise it is the body key.
 */
function toRequestError(error: z.ZodError, body: unknown, recordKey: string): RequestError {
  const issue = error.issues[0];
  const path = issue.path;
  const got = describe(valueAt(body, path));
  if (path[0] === recordKey && path.length >= 2) {
    const row = typeof path[1] === 'number' ? path[1] : undefined;
    const column = path[row === undefined ? 1 : 2];
    if (column !== undefined) {
      const where = row === undefined ? '' : `rows[${row}].`;
      return new RequestError(String(column), `${where}${String(column)}: expected a number, a string or null, got ${got}`, row);
    }
    if (row !== undefined) return new RequestError(recordKey, `${recordKey}[${row}]: expected an object of column values, got ${got}`, row);
  }
  const field = path.length ? String(path[0]) : '(body)';
  return new RequestError(field, `${field}: ${issue.message}, got ${got}`);
}

/**
 * POST /predict body: `{ "rows": [ {..}, .. ] }` (the contract), or `{ "row": {..} }`, or one bare
 * record. Returns the records.
 */
export function parsePredictBody(body: unknown): RawRecord[] {
  if (!isPlainObject(body)) {
    throw new RequestError('rows', `the body must be a JSON object such as {"rows": [{...}]}, got ${describe(body)}`);
  }
  if ('rows' in body) {
    const result = predictSchema.safeParse(body);
    if (!result.success) throw toRequestError(result.error, body, 'rows');
    return result.data.rows;
  }
  const wrapped = { row: 'row' in body ? body.row : body };
  const result = z.object({ row: recordSchema }).safeParse(wrapped);
  if (!result.success) throw toRequestError(result.error, wrapped, 'row');
  return [result.data.row];
}

export function parseExplainBody(body: unknown): ExplainRequest {
  if (!isPlainObject(body)) {
    throw new RequestError('input', `the body must be a JSON object such as {"input": {...}, "target": 1}, got ${describe(body)}`);
  }
  const result = explainSchema.safeParse(body);
  if (!result.success) throw toRequestError(result.error, body, 'input');
  return result.data;
}
