/**
 * The HTTP request bodies, validated with zod at the edge. A failure becomes a RequestError that
 * names the field (a body key such as `rows`, or a model input such as `years_experience`) and,
 * for many rows, the row's 0-based index.
 */
import { z } from 'zod';
import type { ModelFile } from '../model/schema.js';
import { RequestError } from '../errors.js';

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
  target: z.number().min(0).max(1),
  lr: z.number().positive().optional(),
  param: z.string().min(1).optional(),
});
export type ExplainRequest = z.infer<typeof explainSchema>;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
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

/**
 * Rejects a column the model does not know (a typo would otherwise be silently ignored). The
 * target column is allowed, so rows copied from the training CSV work.
 */
export function checkColumns(model: ModelFile, records: readonly RawRecord[]): void {
  const known = new Set([...model.inputs.map((i) => i.name), model.target.name]);
  records.forEach((record, r) => {
    for (const key of Object.keys(record)) {
      if (!known.has(key)) {
        const where = records.length > 1 ? `rows[${r}]: ` : '';
        throw new RequestError(key, `${where}unknown column "${key}"; the model's inputs are ${model.inputs.map((i) => i.name).join(', ')}`,
          records.length > 1 ? r : undefined);
      }
    }
  });
}
