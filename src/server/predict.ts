/**
 * POST /predict's use of app/predict: the records are scored there (the one rule for unknown
 * columns, the encoders, the guard); this file maps an InputError to a RequestError that names the
 * row the HTTP way (`rows[i]`, 0-based) and reports unseen categories in the reply.
 */
import type { Network } from '../math/network.js';
import type { EncodeStats } from '../model/encoding.js';
import type { ModelFile } from '../model/schema.js';
import { predictRecords as scoreRecords, type Prediction } from '../app/predict.js';
import { InputError, RequestError } from '../errors.js';
import type { RawRecord } from './requests.js';

export type { Prediction };

export interface PredictResult {
  predictions: Prediction[];
  /** Unknown categories met, by input name (encoded as all zeros); only present when some were. */
  unknownCategories?: Record<string, number>;
}

/** An InputError from app/ as the 400 the client sees: of several rows, the message starts with `rows[i]: `. */
export function toRequestError(err: InputError): RequestError {
  return err.row === undefined
    ? new RequestError(err.field, err.message)
    : new RequestError(err.field, `rows[${err.row}]: ${err.detail}`, err.row);
}

export function predictRecords(model: ModelFile, net: Network, records: readonly RawRecord[]): PredictResult {
  const stats: EncodeStats = { unknown: {} };
  let predictions: Prediction[];
  try {
    predictions = scoreRecords(model, records, { net, stats });
  } catch (err) {
    if (err instanceof InputError) throw toRequestError(err);
    throw err;
  }
  return Object.keys(stats.unknown).length ? { predictions, unknownCategories: stats.unknown } : { predictions };
}
