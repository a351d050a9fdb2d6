/**
 * Exported files run in ONNX Runtime and agree with chainrule's own forward pass (float64) on
 * 1,000 raw records to within 1e-5, for the 2-2-1 sigmoid network, a deep relu/tanh/linear
 * network and an HR-style model with categorical inputs. ONNX Runtime is the independent oracle;
 * its rows are built from the file's metadata alone, as a user without chainrule would.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeRecords } from '../../src/model/encoding.js';
import { modelToNetwork } from '../../src/model/convert.js';
import { decodeOnnx, modelToOnnx, ONNX_IR_VERSION, ONNX_OPSET } from '../../src/model/onnx.js';
import type { ModelFile } from '../../src/model/schema.js';
import { encodedWidth } from '../../src/model/schema.js';
import { predict } from '../../src/math/network.js';
import { deepModel, hrModel, promotionModel } from './models.js';
import type { RawRecord } from './models.js';
import { featuresFromMetadata, maxAbsDiff, runOnnx } from './ort.js';

interface Decoded {
  ir_version: number;
  opset_import: { domain?: string; version: number }[];
  producer_name: string;
  graph: {
    node: { op_type: string; input: string[]; output: string[]; attribute?: { name: string; i: number }[] }[];
    initializer: { name: string; dims: number[]; float_data: number[] }[];
    input: { name: string; type: { tensor_type: { elem_type: number; shape: { dim: { dim_param?: string; dim_value?: number }[] } } } }[];
    output: { name: string; type: { tensor_type: { elem_type: number; shape: { dim: { dim_param?: string; dim_value?: number }[] } } } }[];
  };
  metadata_props: { key: string; value: string }[];
}

function metadata(decoded: Decoded): Record<string, string> {
  return Object.fromEntries(decoded.metadata_props.map((p) => [p.key, p.value]));
}

function chainrulePredictions(model: ModelFile, records: RawRecord[]): Float64Array {
  const { X, n } = encodeRecords(model.inputs, records);
  return predict(modelToNetwork(model), X, n);
}

function spread(p: ArrayLike<number>): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < p.length; i++) {
    lo = Math.min(lo, p[i]);
    hi = Math.max(hi, p[i]);
  }
  return hi - lo;
}

const cases = {
  '2-2-1 sigmoid (promotion-like data)': promotionModel,
  'deep 6-16-12-8-8-6-1 relu/tanh/linear': deepModel,
  'HR-style with categorical inputs': hrModel,
};

describe.each(Object.entries(cases))('%s', (_name, build) => {
  let model: ModelFile;
  let records: RawRecord[];
  let bytes: Uint8Array;
  let decoded: Decoded;
  beforeAll(() => {
    ({ model, records } = build());
    bytes = modelToOnnx(model);
    decoded = decodeOnnx(bytes) as unknown as Decoded;
  });

  it('ONNX Runtime matches chainrule on 1,000 rows within 1e-5', async () => {
    const features = featuresFromMetadata(metadata(decoded)['chainrule.inputs'], records);
    const ort = await runOnnx(bytes, features, records.length);
    const ours = chainrulePredictions(model, records);
    expect(ort.inputNames).toEqual(['features']);
    expect(ort.outputNames).toEqual(['probability']);
    expect(ort.dims).toEqual([1000, 1]);
    // Predictions that all sit at one value would make the comparison vacuous.
    expect(spread(ours)).toBeGreaterThan(0.3);
    const diff = maxAbsDiff(ort.probability, ours);
    console.log(`${_name}: max |ONNX Runtime − chainrule| over 1,000 rows = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-5);
  });

  it('is one Gemm (transB = 1) and one activation per layer, nothing for the scaling', () => {
    const ops = decoded.graph.node.map((n) => n.op_type);
    const expected = model.layers.flatMap((layer) => ['Gemm', { sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu', linear: 'Identity', leaky_relu: 'LeakyRelu', softplus: 'Softplus', softmax: 'Softmax' }[layer.activation]]);
    expect(ops).toEqual(expected);
    for (const node of decoded.graph.node.filter((n) => n.op_type === 'Gemm')) {
      expect(node.attribute).toEqual([{ name: 'transB', i: 1, type: 'INT' }]);
    }
    expect(decoded.graph.node[0].input[0]).toBe('features');
    expect(decoded.graph.node[decoded.graph.node.length - 1].output).toEqual(['probability']);
  });

  it('declares opset 13, IR 7, features [N, k] and probability [N, 1] as float32', () => {
    expect(decoded.ir_version).toBe(ONNX_IR_VERSION);
    expect(ONNX_OPSET).toBeGreaterThanOrEqual(13);
    expect(decoded.opset_import).toEqual([{ version: ONNX_OPSET }]);
    expect(decoded.producer_name).toBe('chainrule');
    const [input] = decoded.graph.input;
    const [output] = decoded.graph.output;
    expect(input.name).toBe('features');
    expect(input.type.tensor_type.elem_type).toBe(1);
    expect(input.type.tensor_type.shape.dim).toEqual([{ dim_param: 'N' }, { dim_value: encodedWidth(model.inputs) }]);
    expect(output.name).toBe('probability');
    expect(output.type.tensor_type.shape.dim).toEqual([{ dim_param: 'N' }, { dim_value: 1 }]);
  });

  it('keeps the deeper layers\' weights as they are (float32)', () => {
    model.layers.slice(1).forEach((layer, i) => {
      const l = i + 1;
      const W = decoded.graph.initializer.find((t) => t.name === `layers.${l}.weights`);
      expect(W?.dims).toEqual([layer.weights.length, layer.weights[0].length]);
      expect(maxAbsDiff(W?.float_data ?? [], layer.weights.flat().map(Math.fround))).toBe(0);
    });
  });
});

describe('metadata of the HR-style model', () => {
  it('lists every encoded column in order with its input, one-hot category or fill value', () => {
    const { model, records } = hrModel();
    const meta = metadata(decodeOnnx(modelToOnnx(model)) as unknown as Decoded);
    const columns = JSON.parse(meta['chainrule.inputs']) as { column: number; input: string; kind: string; category?: string; fill?: number }[];
    expect(columns.map((c) => c.column)).toEqual(columns.map((_, i) => i));
    expect(columns.length).toBe(encodedWidth(model.inputs));
    const department = model.inputs.find((i) => i.name === 'department');
    expect(department?.kind === 'categorical' && department.categories).toEqual(['(missing)', 'Engineering', 'HR', 'Operations', 'Sales']);
    expect(columns.filter((c) => c.input === 'department').map((c) => c.category)).toEqual(['(missing)', 'Engineering', 'HR', 'Operations', 'Sales']);
    const salary = model.inputs.find((i) => i.name === 'salary');
    expect(columns.find((c) => c.input === 'salary')?.fill).toBe(salary?.kind === 'numeric' ? salary.mean : NaN);
    expect(JSON.parse(meta['chainrule.target'])).toEqual({ name: 'promoted', positive: '1' });
    expect(Number(meta['chainrule.threshold'])).toBe(0.5);
    expect(JSON.parse(meta['chainrule.model_inputs'])).toEqual(model.inputs);
    // The scored records exercise the unseen-category and missing-number paths.
    expect(records.some((r) => r.department === 'Legal')).toBe(true);
    expect(records.some((r) => r.salary === null)).toBe(true);
    expect(records.some((r) => r.department === null)).toBe(true);
  });
});
