/**
 * Scoring a labelled table with a model file: encode the rows with the model's own encoders, run
 * the network, and compute every metric of `chainrule evaluate` at the model's threshold.
 */
import { modelToNetwork } from '../model/convert.js';
import type { ModelFile } from '../model/schema.js';
import type { Network } from '../math/network.js';
import { createWorkspace, forward, inputSize } from '../math/network.js';
import type { Table } from '../data/csv.js';
import type { EncodeStats } from '../model/encoding.js';
import type { Evaluation } from '../data/metrics.js';
import { evaluate } from '../data/metrics.js';
import { encodeTable, encodeTarget, targetValues } from '../data/prepare.js';

/** Output probabilities and, for a sigmoid output, the logits z they come from. */
export function scoreRows(net: Network, X: Float64Array, n: number): { probability: Float64Array; logit?: Float64Array } {
  const last = net.layers.length - 1;
  if (net.layers[last].units !== 1) throw new RangeError(`scoring needs one output unit, got ${net.layers[last].units}`);
  const batch = Math.min(Math.max(n, 1), 4096);
  const ws = createWorkspace(net, batch);
  const k = inputSize(net);
  const probability = new Float64Array(n);
  const sigmoid = net.layers[last].activation === 'sigmoid';
  const logit = sigmoid ? new Float64Array(n) : undefined;
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start);
    forward(net, X.subarray(start * k, (start + rows) * k), rows, ws);
    probability.set(ws.A[last].subarray(0, rows), start);
    logit?.set(ws.Z[last].subarray(0, rows), start);
  }
  return { probability, logit };
}

/** Labels of the model's target column: 1 for the model's positive value, else 0; at most two values. */
export function targetLabels(model: ModelFile, table: Table): Float64Array {
  targetValues(table, model.target.name);
  return encodeTarget(table, model.target);
}

export function evaluateModel(model: ModelFile, table: Table, threshold = model.threshold, stats?: EncodeStats): Evaluation {
  const y = targetLabels(model, table);
  const X = encodeTable(table, model.inputs, undefined, stats);
  const { probability, logit } = scoreRows(modelToNetwork(model), X, table.n);
  return evaluate(probability, y, threshold, logit);
}
