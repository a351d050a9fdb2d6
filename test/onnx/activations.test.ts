/**
 * Every activation of the table through ONNX export: a 4-12-8-1 network with that activation in
 * both hidden layers, trained briefly, exported, run in ONNX Runtime on 1,000 raw records and
 * compared with chainrule's float64 forward pass (< 1e-5). The expected operator of each
 * activation is written here, not read from the table, and the records are checked to put the
 * hidden pre-activations on both sides of 0, so both pieces of leaky_relu (and softplus' two
 * tails) are exercised.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, type ActivationName } from '../../src/math/activations.js';
import { createRng } from '../../src/math/rng.js';
import { createNetwork } from '../../src/math/init.js';
import { createWorkspace, forward, predict } from '../../src/math/network.js';
import { fit } from '../../src/train/fit.js';
import { optimizerConfig } from '../../src/math/optimizers.js';
import { modelToNetwork, networkLayers } from '../../src/model/convert.js';
import { encodeRecords } from '../../src/model/encoding.js';
import { decodeOnnx, modelToOnnx } from '../../src/model/onnx.js';
import type { ModelFile } from '../../src/model/schema.js';
import { featuresFromMetadata, maxAbsDiff, runOnnx } from './ort.js';
import type { RawRecord } from './models.js';

const EXPECTED_OP: Record<ActivationName, { op: string; alpha?: number }> = {
  sigmoid: { op: 'Sigmoid' }, tanh: { op: 'Tanh' }, relu: { op: 'Relu' }, linear: { op: 'Identity' },
  leaky_relu: { op: 'LeakyRelu', alpha: 0.01 }, softplus: { op: 'Softplus' }, softmax: { op: 'Softmax' },
};

const MEANS = [5, -2, 100, 0.5];
const STDS = [2, 1, 30, 0.2];

function build(activation: ActivationName): { model: ModelFile; records: RawRecord[] } {
  const rng = createRng(31);
  const net = createNetwork({ inputs: 4, hidden: [12, 8], activation }, rng);
  const n = 400;
  const X = Float64Array.from({ length: n * 4 }, () => rng.normal());
  const Y = Float64Array.from({ length: n }, (_, r) => (X[4 * r] * X[4 * r + 1] + 0.5 * X[4 * r + 2] > 0 ? 1 : 0));
  fit(net, { X, Y, n }, { epochs: 10, batchSize: 32, optimizer: optimizerConfig('adam', 0.02), rng });
  const model: ModelFile = {
    format: 'chainrule/model', version: 1,
    inputs: MEANS.map((mean, c) => ({ name: `x${c}`, kind: 'numeric' as const, mean, std: STDS[c] })),
    target: { name: 'y', positive: '1' }, layers: networkLayers(net), loss: 'bce', threshold: 0.5,
  };
  const records = Array.from({ length: 1000 }, () => Object.fromEntries(MEANS.map((mean, c) => [`x${c}`, mean + 2 * STDS[c] * rng.normal()])));
  return { model, records };
}

interface DecodedNode { op_type: string; attribute?: { name: string; f?: number; i?: number; type: string }[] }

describe.each(ACTIVATIONS.map((a) => [a]))('%s hidden layers', (activation) => {
  let model: ModelFile;
  let records: RawRecord[];
  let bytes: Uint8Array;
  beforeAll(() => {
    ({ model, records } = build(activation));
    bytes = modelToOnnx(model);
  });

  it(`is exported as Gemm, ${EXPECTED_OP[activation].op} per hidden layer (with its alpha where it has one)`, () => {
    const nodes = (decodeOnnx(bytes) as unknown as { graph: { node: DecodedNode[] } }).graph.node;
    const { op, alpha } = EXPECTED_OP[activation];
    expect(nodes.map((n) => n.op_type)).toEqual(['Gemm', op, 'Gemm', op, 'Gemm', 'Sigmoid']);
    const attributes = nodes[1].attribute ?? [];
    if (alpha === undefined) expect(attributes).toEqual([]);
    else expect(attributes).toEqual([{ name: 'alpha', f: Math.fround(alpha), type: 'FLOAT' }]);
  });

  it('ONNX Runtime matches chainrule on 1,000 rows within 1e-5, with hidden pre-activations on both sides of 0', async () => {
    const { X, n } = encodeRecords(model.inputs, records);
    const net = modelToNetwork(model);
    const ws = createWorkspace(net, n);
    forward(net, X, n, ws);
    const z = ws.Z[0].subarray(0, n * 12);
    const negative = z.filter((v) => v < 0).length / z.length;
    expect(negative).toBeGreaterThan(0.1);
    expect(negative).toBeLessThan(0.9);
    const meta = Object.fromEntries((decodeOnnx(bytes) as unknown as { metadata_props: { key: string; value: string }[] })
      .metadata_props.map((p) => [p.key, p.value]));
    const ort = await runOnnx(bytes, featuresFromMetadata(meta['chainrule.inputs'], records), records.length);
    const ours = predict(net, X, n);
    expect(Math.max(...ours) - Math.min(...ours)).toBeGreaterThan(0.3);
    const diff = maxAbsDiff(ort.probability, ours);
    console.log(`${activation}: max |ONNX Runtime − chainrule| over 1,000 rows = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-5);
  });
});
