/**
 * Scoring with a model file: raw records (a JSON body, `--input`, the library's `predict`) or a
 * column table (a CSV file) are encoded with the model's own encoders, run forward, guarded
 * against non-finite outputs and turned into the task's prediction: binary, the probability and
 * the decision at the model's threshold; multiclass, every class's probability and the most
 * probable class; regression, the value mapped back to raw units. The CLI, the HTTP service
 * and the library call these; they only parse their input and format the result. Errors are
 * InputError (records: `field` names the column, `row` the 0-based row of several) or DataError
 * (tables: the message names file, row and column).
 */
import type { Table } from '../data/table.js';
import { encodeTable } from '../data/prepare.js';
import type { Network } from '../math/network.js';
import { predict } from '../math/network.js';
import { modelToNetwork } from '../model/convert.js';
import type { EncodeStats } from '../model/encoding.js';
import { encodeRecords } from '../model/encoding.js';
import { assertFinitePredictions } from '../model/guard.js';
import type { ModelFile } from '../model/schema.js';
import { regressionValue } from '../model/schema.js';
import { InputError } from '../errors.js';

/** One scored record of a binary model: the probability of the positive class and the decision `probability > threshold`. */
export interface BinaryPrediction {
  probability: number;
  /** 1 when probability > the model's threshold, else 0. */
  label: 0 | 1;
}

/** One scored record of a multiclass model: P(class) for every class, and the most probable class. */
export interface MulticlassPrediction {
  probabilities: Record<string, number>;
  label: string;
}

/** One scored record of a regression model, in the target's raw units. */
export interface RegressionPrediction {
  value: number;
}

export type Prediction = BinaryPrediction | MulticlassPrediction | RegressionPrediction;

export interface PredictOptions {
  /** The model's network when the caller keeps one (a server converts once per model, not per request). */
  net?: Network;
  /** When given, counts categories unseen in training (encoded as all zeros) per input. */
  stats?: EncodeStats;
}

/**
 * The one rule for the keys of a raw record, for every face: each must be a model input or the
 * target (so rows copied from the training CSV work); anything else is refused, because a typo
 * would otherwise be silently ignored and the input it meant would be reported missing or, worse,
 * not at all. A CSV file may have other columns: only the model's are read from it.
 */
export function checkColumns(model: ModelFile, records: readonly Record<string, unknown>[]): void {
  const known = new Set([...model.inputs.map((i) => i.name), model.target.name]);
  records.forEach((record, r) => {
    for (const key of Object.keys(record)) {
      if (known.has(key)) continue;
      const error = new InputError(key, `unknown column "${key}"; the model's inputs are ${model.inputs.map((i) => i.name).join(', ')}`);
      throw records.length > 1 ? error.atRow(r) : error;
    }
  });
}

/** The network's outputs [n × units] as the task's predictions. */
export function decisions(model: ModelFile, outputs: Float64Array): Prediction[] {
  if (model.task === 'multiclass') {
    const { classes } = model.target;
    const k = classes.length;
    const n = outputs.length / k;
    return Array.from({ length: n }, (_, r): MulticlassPrediction => {
      const probabilities: Record<string, number> = {};
      let best = 0;
      for (let c = 0; c < k; c++) {
        probabilities[classes[c]] = outputs[r * k + c];
        if (outputs[r * k + c] > outputs[r * k + best]) best = c;
      }
      return { probabilities, label: classes[best] };
    });
  }
  // Plain loops rather than Array.from(typed array, fn): /predict makes these per request.
  const out: Prediction[] = new Array(outputs.length);
  if (model.task === 'regression') {
    for (let r = 0; r < outputs.length; r++) out[r] = { value: regressionValue(model, outputs[r]) };
    return out;
  }
  const { threshold } = model;
  for (let r = 0; r < outputs.length; r++) {
    const probability = outputs[r];
    out[r] = { probability, label: probability > threshold ? 1 : 0 };
  }
  return out;
}

/** Scores raw records (input name → value); throws InputError naming the column (and row, of several) of a bad one. */
export function predictRecords(model: ModelFile, records: readonly Record<string, unknown>[], options: PredictOptions = {}): Prediction[] {
  checkColumns(model, records);
  const { X, n } = encodeRecords(model.inputs, records, options.stats);
  return predictEncoded(model, options.net ?? modelToNetwork(model), X, n);
}

/** Scores n rows already encoded with the model's encoders (X [n × encoded width]); throws InputError as predictRecords does. */
export function predictEncoded(model: ModelFile, net: Network, X: Float64Array, n: number): Prediction[] {
  const p = predict(net, X, n);
  // An input that overflows inside the network (∞ − ∞ → NaN) gets a clear error, not a NaN probability.
  assertFinitePredictions(p, model.inputs, X);
  return decisions(model, p);
}

/** Scores every row of a table (CSV file); a model input absent from the table is named. */
export function predictTable(model: ModelFile, table: Table, options: PredictOptions = {}): Prediction[] {
  const X = encodeTable(table, model.inputs, undefined, options.stats);
  const p = predict(options.net ?? modelToNetwork(model), X, table.n);
  assertFinitePredictions(p, model.inputs, X);
  return decisions(model, p);
}
