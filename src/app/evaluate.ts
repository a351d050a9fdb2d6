/**
 * Scoring a labelled table with a model file: encode the rows with the model's own encoders, run
 * the network, and compute every metric of `chainrule evaluate` for the model's task: binary at
 * the model's threshold, multiclass per class, regression in the target's raw units.
 */
import { modelToNetwork } from '../model/convert.js';
import type { BinaryModel, ModelFile, MulticlassModel, RegressionModel } from '../model/schema.js';
import { regressionValue } from '../model/schema.js';
import type { Network } from '../math/network.js';
import { createWorkspace, forward, inputSize } from '../math/network.js';
import type { Table } from '../data/csv.js';
import type { EncodeStats } from '../model/encoding.js';
import type { Evaluation, MulticlassEvaluation, RegressionEvaluation } from '../data/metrics.js';
import { evaluate, evaluateMulticlass, evaluateRegression } from '../data/metrics.js';
import { classIndex, fitTarget, rawTargets } from '../data/target.js';
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
export function targetLabels(model: BinaryModel, table: Table): Float64Array {
  targetValues(table, model.target.name);
  return encodeTarget(table, model.target);
}

/** The `evaluate --json` document of the model's task. */
export type TaskEvaluation = Evaluation | MulticlassEvaluation | RegressionEvaluation;

/** Outputs [n × units] and logits of every row. */
function outputsOf(model: ModelFile, table: Table, stats?: EncodeStats): { out: Float64Array; z: Float64Array } {
  const net = modelToNetwork(model);
  const X = encodeTable(table, model.inputs, undefined, stats);
  const last = net.layers.length - 1;
  const units = net.layers[last].units;
  const n = table.n;
  const batch = Math.min(Math.max(n, 1), 4096);
  const ws = createWorkspace(net, batch);
  const k = inputSize(net);
  const out = new Float64Array(n * units);
  const z = new Float64Array(n * units);
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start);
    forward(net, X.subarray(start * k, (start + rows) * k), rows, ws);
    out.set(ws.A[last].subarray(0, rows * units), start * units);
    z.set(ws.Z[last].subarray(0, rows * units), start * units);
  }
  return { out, z };
}

/** Multiclass: every row's class must be one of the model's classes (the error names its row). */
export function evaluateMulticlassModel(model: MulticlassModel, table: Table, stats?: EncodeStats): MulticlassEvaluation {
  const target = fitTarget(table, model.target.name, 'multiclass', { init: { task: 'multiclass', ...model.target } });
  const truth = classIndex(table, target) as Int32Array;
  const { out, z } = outputsOf(model, table, stats);
  return evaluateMulticlass(out, truth, model.target.classes, z);
}

/** Regression: metrics in raw units (outputs mapped back with the target's mean/std). */
export function evaluateRegressionModel(model: RegressionModel, table: Table, stats?: EncodeStats): RegressionEvaluation {
  const y = rawTargets(table, model.target.name);
  const { out } = outputsOf(model, table, stats);
  return evaluateRegression(out.map((v) => regressionValue(model, v)), y);
}

/** Binary at `threshold` (default the model's); the other tasks ignore it. */
export function evaluateModel(model: ModelFile, table: Table, threshold?: number, stats?: EncodeStats): TaskEvaluation {
  if (model.task === 'multiclass') return evaluateMulticlassModel(model, table, stats);
  if (model.task === 'regression') return evaluateRegressionModel(model, table, stats);
  return evaluateBinaryModel(model, table, threshold ?? model.threshold, stats);
}

export function evaluateBinaryModel(model: BinaryModel, table: Table, threshold = model.threshold, stats?: EncodeStats): Evaluation {
  const y = targetLabels(model, table);
  const X = encodeTable(table, model.inputs, undefined, stats);
  const { probability, logit } = scoreRows(modelToNetwork(model), X, table.n);
  return evaluate(probability, y, threshold, logit);
}
