/**
 * ONNX export per task (DESIGN.md "Version 2 contracts"), with ONNX Runtime as the independent
 * oracle on 1,000 raw records whose rows are built from the file's metadata alone:
 *   multiclass  output `probabilities` [N, 3] from a Softmax, within 1e-5 of chainrule's own
 *               forward pass (float64), every row summing to 1;
 *   regression  output `value` [N, 1] in raw units (salaries), the target's scaling folded into
 *               the last Gemm: within 1e-5 on the network's own scale (difference / std), and a
 *               raw-target model within 1e-5 in its units;
 * plus `chainrule.task` and `chainrule.classes` in metadata_props, and no threshold outside binary.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeRecords } from '../../src/model/encoding.js';
import { modelToNetwork } from '../../src/model/convert.js';
import { decodeOnnx, foldTargetScaling, modelToOnnx } from '../../src/model/onnx.js';
import type { BinaryModel, ModelFile } from '../../src/model/schema.js';
import { predict } from '../../src/math/network.js';
import { featuresFromMetadata, maxAbsDiff, runOnnxOutput } from './ort.js';
import { levelModel, salaryModel } from './task-models.js';
import { promotionModel } from './models.js';
import type { RawRecord } from './models.js';

interface Decoded {
  graph: {
    node: { op_type: string; output: string[]; attribute?: unknown[] }[];
    output: { name: string; type: { tensor_type: { shape: { dim: { dim_param?: string; dim_value?: number }[] } } } }[];
    initializer: { name: string; float_data: number[] }[];
  };
  metadata_props: { key: string; value: string }[];
}

const decode = (model: ModelFile) => decodeOnnx(modelToOnnx(model)) as unknown as Decoded;
const metadata = (d: Decoded) => Object.fromEntries(d.metadata_props.map((p) => [p.key, p.value]));

/** The network's outputs [n × units] for raw records, in float64: chainrule's own forward pass. */
function networkOutputs(model: ModelFile, records: RawRecord[]): Float64Array {
  const { X, n } = encodeRecords(model.inputs, records);
  return predict(modelToNetwork(model), X, n);
}

async function onnxRun(model: ModelFile, records: RawRecord[], output: string) {
  const bytes = modelToOnnx(model);
  const features = featuresFromMetadata(metadata(decodeOnnx(bytes) as unknown as Decoded)['chainrule.inputs'], records);
  return runOnnxOutput(bytes, features, records.length, output);
}

describe('multiclass: a softmax head of 3 classes on the level generator', () => {
  let built: ReturnType<typeof levelModel>;
  beforeAll(() => { built = levelModel(); });

  it('ONNX Runtime\'s probabilities [N, 3] match chainrule on 1,000 rows within 1e-5, rows summing to 1', async () => {
    const { model, records } = built;
    const ort = await onnxRun(model, records, 'probabilities');
    expect(ort.outputNames).toEqual(['probabilities']);
    expect(ort.dims).toEqual([1000, 3]);
    const ours = networkOutputs(model, records);
    // Every class predicted somewhere, or the comparison would not cover the softmax's range.
    const argmax = (p: ArrayLike<number>, r: number) => [0, 1, 2].reduce((best, k) => (p[3 * r + k] > p[3 * r + best] ? k : best), 0);
    expect(new Set(records.map((_, r) => argmax(ours, r))).size).toBe(3);
    const diff = maxAbsDiff(ort.values, ours);
    console.log(`multiclass: max |ONNX Runtime − chainrule| over 1,000 rows × 3 classes = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-5);
    for (let r = 0; r < records.length; r++) expect(Math.abs(ort.values[3 * r] + ort.values[3 * r + 1] + ort.values[3 * r + 2] - 1)).toBeLessThan(1e-6);
    records.forEach((_, r) => expect(argmax(ort.values, r)).toBe(argmax(ours, r)));
  });

  it('ends in a Softmax named probabilities [N, 3], with chainrule.task and chainrule.classes and no threshold', () => {
    const decoded = decode(built.model);
    const ops = decoded.graph.node.map((n) => n.op_type);
    expect(ops).toEqual(['Gemm', 'Relu', 'Gemm', 'Softmax']);
    // Opset 13's Softmax defaults to the last axis, the classes.
    expect(decoded.graph.node[3].attribute).toBeUndefined();
    expect(decoded.graph.node[3].output).toEqual(['probabilities']);
    expect(decoded.graph.output[0].name).toBe('probabilities');
    expect(decoded.graph.output[0].type.tensor_type.shape.dim).toEqual([{ dim_param: 'N' }, { dim_value: 3 }]);
    const meta = metadata(decoded);
    expect(meta['chainrule.task']).toBe('multiclass');
    expect(JSON.parse(meta['chainrule.classes'])).toEqual(['none', 'senior', 'lead']);
    expect(meta['chainrule.threshold']).toBeUndefined();
    expect(meta['chainrule.format']).toBe('chainrule/model v2');
  });
});

describe('regression: a linear head on the salary generator', () => {
  let built: ReturnType<typeof salaryModel>;
  beforeAll(() => { built = salaryModel(); });

  it('ONNX Runtime\'s value [N, 1] is the salary in raw units: within 1e-5 of chainrule on the standardised scale', async () => {
    const { model, records } = built;
    const { mean, std } = model.target as { mean: number; std: number };
    const ort = await onnxRun(model, records, 'value');
    expect(ort.outputNames).toEqual(['value']);
    expect(ort.dims).toEqual([1000, 1]);
    // Raw units, mapped back here from the definition: y = mean + std · output.
    const ours = Float64Array.from(networkOutputs(model, records), (out) => mean + std * out);
    expect(Math.min(...ours)).toBeGreaterThan(10_000);
    expect(Math.max(...ours) - Math.min(...ours)).toBeGreaterThan(20_000);
    const diff = maxAbsDiff(ort.values, ours);
    console.log(`regression: max |ONNX Runtime − chainrule| over 1,000 rows = ${diff.toExponential(2)} (salary units), ${(diff / std).toExponential(2)} standardised`);
    expect(diff / std).toBeLessThan(1e-5);
  });

  it('folds mean and std into the last Gemm (W\' = std·W, b\' = std·b + mean) and ends in Identity named value', () => {
    const { model } = built;
    const { mean, std } = model.target as { mean: number; std: number };
    const decoded = decode(model);
    expect(decoded.graph.node.map((n) => n.op_type)).toEqual(['Gemm', 'Tanh', 'Gemm', 'Identity']);
    expect(decoded.graph.node[3].output).toEqual(['value']);
    const W = decoded.graph.initializer.find((t) => t.name === 'layers.1.weights')?.float_data ?? [];
    const b = decoded.graph.initializer.find((t) => t.name === 'layers.1.bias')?.float_data ?? [];
    expect(maxAbsDiff(W, model.layers[1].weights[0].map((w) => Math.fround(w * std)))).toBe(0);
    expect(b).toEqual([Math.fround(model.layers[1].bias[0] * std + mean)]);
    const meta = metadata(decoded);
    expect(meta['chainrule.task']).toBe('regression');
    expect(meta['chainrule.classes']).toBeUndefined();
    expect(meta['chainrule.threshold']).toBeUndefined();
    expect(JSON.parse(meta['chainrule.target'])).toEqual({ name: 'salary', mean, std });
  });

  it('a raw target (no mean/std) is left unscaled: ONNX Runtime within 1e-5 of the network\'s output', async () => {
    const { model, records } = salaryModel(true);
    expect(foldTargetScaling(model, model.layers[1].weights, model.layers[1].bias)).toEqual({ weights: model.layers[1].weights, bias: model.layers[1].bias });
    const ort = await onnxRun(model, records, 'value');
    const ours = networkOutputs(model, records);
    // Salaries in thousands: the network learnt them raw, so its outputs sit in the tens.
    expect(Math.max(...ours)).toBeGreaterThan(40);
    const diff = maxAbsDiff(ort.values, ours);
    expect(diff / Math.max(...ours.map(Math.abs))).toBeLessThan(1e-6);
    expect(diff).toBeLessThan(1e-4);
  });
});

describe('binary in version 2', () => {
  it('keeps probability [N, 1], the threshold, and says chainrule.task binary', () => {
    const { model } = promotionModel();
    const v2: BinaryModel = { ...(model as BinaryModel), version: 2, task: 'binary' };
    const decoded = decode(v2);
    expect(decoded.graph.output[0].name).toBe('probability');
    const meta = metadata(decoded);
    expect(meta['chainrule.task']).toBe('binary');
    expect(meta['chainrule.threshold']).toBe('0.5');
    expect(meta['chainrule.classes']).toBeUndefined();
  });
});
