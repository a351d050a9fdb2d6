/**
 * POST /predict's fast path: one pass over the rows of `{ "rows": [..] }` that checks each cell's
 * type (a finite number, a string or null), refuses unknown columns and encodes, where the
 * general path runs zod over the body, then the column rule, then the encoders, one pass each
 * (at 100 rows per request zod alone was a third of the server's time).
 *
 * It never writes an error itself: at the first thing it does not accept it gives up, and the
 * general path (requests.ts parsePredictBody, then predict.ts predictRecords) runs on the same
 * body and throws its usual error, so every message, field and row stays what that path says, in
 * the order it checks them. The encoders are model/encoding.ts's own, so the numbers are the same
 * bits. test/server/predict-body.test.ts holds the two paths to each other.
 */
import type { Network } from '../math/network.js';
import { predictEncoded } from '../app/predict.js';
import type { EncodeStats, InputEncoder } from '../model/encoding.js';
import { inputEncoders } from '../model/encoding.js';
import type { ModelFile } from '../model/schema.js';
import { encodedWidth } from '../model/schema.js';
import { predictRecords, type PredictResult } from './predict.js';
import { MAX_ROWS, parsePredictBody } from './requests.js';

/** What the pass needs of a model, prepared once per model: column name → its encoder (null for the target, read but unused). */
interface Plan {
  readonly width: number;
  readonly inputs: number;
  readonly columns: ReadonlyMap<string, InputEncoder | null>;
}

const plans = new WeakMap<ModelFile, Plan>();

function planFor(model: ModelFile): Plan {
  let plan = plans.get(model);
  if (!plan) {
    const columns = new Map<string, InputEncoder | null>([[model.target.name, null]]);
    for (const encoder of inputEncoders(model.inputs)) columns.set(encoder.input.name, encoder);
    plan = { width: encodedWidth(model.inputs), inputs: model.inputs.length, columns };
    plans.set(model, plan);
  }
  return plan;
}

/** A JSON object (not an array, not a class instance): what zod's record accepts of a parsed body. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The encoded rows [n × width] of a `{ "rows": [..] }` body that the general path would accept,
 * or undefined at the first thing it might not (a bad cell, an unknown or missing column, a value
 * the encoders refuse, a row count out of range, another body shape).
 */
export function encodeRowsBody(model: ModelFile, body: unknown, stats: EncodeStats): { X: Float64Array; n: number } | undefined {
  if (!isRecord(body) || !('rows' in body)) return undefined;
  const rows = body.rows;
  if (!Array.isArray(rows) || rows.length < 1 || rows.length > MAX_ROWS) return undefined;
  const { width, inputs, columns } = planFor(model);
  const n = rows.length;
  const X = new Float64Array(n * width);
  try {
    for (let r = 0; r < n; r++) {
      const record = rows[r];
      if (!isRecord(record)) return undefined;
      const offset = r * width;
      let encoded = 0;
      for (const key in record) {
        const value = record[key];
        if (!(typeof value === 'string' || value === null || (typeof value === 'number' && Number.isFinite(value)))) return undefined;
        const encoder = columns.get(key);
        if (encoder === undefined) return undefined;
        if (encoder === null) continue;
        encoder.encode(value, X, offset + encoder.column, stats);
        encoded++;
      }
      if (encoded !== inputs) return undefined;
    }
  } catch {
    return undefined;
  }
  return { X, n };
}

/** The fast path's predictions of a body, or undefined where the general path must speak (including a row the guard refuses). */
export function predictRowsBody(model: ModelFile, net: Network, body: unknown): PredictResult | undefined {
  const stats: EncodeStats = { unknown: {} };
  const encoded = encodeRowsBody(model, body, stats);
  if (!encoded) return undefined;
  let predictions;
  try {
    predictions = predictEncoded(model, net, encoded.X, encoded.n);
  } catch {
    return undefined;
  }
  return Object.keys(stats.unknown).length ? { predictions, unknownCategories: stats.unknown } : { predictions };
}

/**
 * A /predict body's predictions: the one pass when it accepts the body, else the general path,
 * which throws the RequestError naming the field (and row) of what is wrong.
 */
export function predictBody(model: ModelFile, net: Network, body: unknown): PredictResult {
  return predictRowsBody(model, net, body) ?? predictRecords(model, net, parsePredictBody(body));
}
