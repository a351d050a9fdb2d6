/** Scoring raw records with a loaded model: encode with the model's encoders, forward, threshold. */
import type { ModelFile } from '../model/schema.js';
import { encodedWidth } from '../model/schema.js';
import type { Network } from '../math/network.js';
import { findBadPrediction } from '../model/guard.js';
import { predict } from '../math/network.js';
import { encodeRecord, InputError, type EncodeStats } from '../model/encoding.js';
import { RequestError, type RawRecord } from './requests.js';

export interface Prediction {
  probability: number;
  /** 1 when probability > the model's threshold, else 0. */
  label: 0 | 1;
}

export interface PredictResult {
  predictions: Prediction[];
  /** Unknown categories met, by input name (encoded as all zeros); only present when some were. */
  unknownCategories?: Record<string, number>;
}

export function predictRecords(model: ModelFile, net: Network, records: readonly RawRecord[]): PredictResult {
  const width = encodedWidth(model.inputs);
  const X = new Float64Array(records.length * width);
  const stats: EncodeStats = { unknown: {} };
  records.forEach((record, r) => {
    try {
      encodeRecord(model.inputs, record, X, r * width, stats);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      if (records.length === 1) throw new RequestError(err.field, err.message);
      throw new RequestError(err.field, `rows[${r}]: ${err.message}`, r);
    }
  });
  const probabilities = predict(net, X, records.length);
  const bad = findBadPrediction(probabilities, model.inputs, X);
  if (bad) throw new RequestError(bad.field, records.length > 1 ? `rows[${bad.row}]: ${bad.message}` : bad.message, records.length > 1 ? bad.row : undefined);
  const predictions = Array.from(probabilities, (p): Prediction => ({ probability: p, label: p > model.threshold ? 1 : 0 }));
  return Object.keys(stats.unknown).length ? { predictions, unknownCategories: stats.unknown } : { predictions };
}
