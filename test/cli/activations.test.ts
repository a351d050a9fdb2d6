/**
 * The spec tables through the CLI and the model file: `train --activation leaky_relu | softplus`
 * trains, writes the activation into the model file (byte-identical for the same seed), exports
 * the ONNX operator; --help lists every activation, loss and optimizer of the tables; an unknown
 * name is an exit-2 error that quotes it, in the CLI and in a model file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeOnnx } from '../../src/model/onnx.js';
import { assertBuilt, removeTempDirs, runCliAsync, tempDir } from './helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

/** The model file without its timestamp, the one field that differs between identical runs. */
function modelBytes(path: string): string {
  return readFileSync(path, 'utf8').replace(/"trainedAt": "[^"]*"/, '');
}

describe('leaky_relu and softplus from the command line', () => {
  for (const [activation, op] of [['leaky_relu', 'LeakyRelu'], ['softplus', 'Softplus']] as const) {
    it(`train --activation ${activation} --layers 4,3: the model file records it, the same seed gives the same bytes, export writes ${op}`, async () => {
      const dir = tempDir();
      const args = ['train', '--activation', activation, '--layers', '4,3', '--optimizer', 'adam', '--lr', '0.01', '--epochs', '15', '--quiet'];
      const [a, b] = await Promise.all([
        runCliAsync([...args, '--out', 'a.json'], dir),
        runCliAsync([...args, '--out', 'b.json'], dir),
      ]);
      expect(a.status, a.stderr).toBe(0);
      expect(b.status, b.stderr).toBe(0);
      const model = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as { layers: { activation: string }[] };
      expect(model.layers.map((l) => l.activation)).toEqual([activation, activation, 'sigmoid']);
      expect(modelBytes(join(dir, 'a.json'))).toBe(modelBytes(join(dir, 'b.json')));
      const exported = await runCliAsync(['export', '--model', 'a.json', '--onnx', 'a.onnx'], dir);
      expect(exported.status, exported.stderr).toBe(0);
      const graph = (decodeOnnx(readFileSync(join(dir, 'a.onnx'))) as { graph: { node: { op_type: string }[] } }).graph;
      expect(graph.node.map((n) => n.op_type)).toEqual(['Gemm', op, 'Gemm', op, 'Gemm', 'Sigmoid']);
    });
  }

  it('train --help lists every activation, loss and optimizer', async () => {
    const r = await runCliAsync(['train', '--help'], tempDir());
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toContain('sigmoid, tanh, relu, linear, leaky_relu, softplus');
    for (const name of ['bce', 'mse', 'sgd', 'momentum', 'adam']) expect(help).toContain(name);
  });

  it('an unknown activation is an exit-2 error that quotes it and lists the choices', async () => {
    const r = await runCliAsync(['train', '--activation', 'gelu', '--epochs', '1'], tempDir());
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--activation must be one of sigmoid, tanh, relu, linear, leaky_relu, softplus, got gelu');
  });

  it('a model file naming an activation the table does not know fails to load, naming the field', async () => {
    const dir = tempDir();
    const model = {
      format: 'chainrule/model', version: 1, inputs: [{ name: 'x', kind: 'numeric' }], target: { name: 'y', positive: '1' },
      layers: [{ activation: 'swish', weights: [[1]], bias: [0] }, { activation: 'sigmoid', weights: [[1]], bias: [0] }], loss: 'bce',
    };
    writeFileSync(join(dir, 'm.json'), JSON.stringify(model));
    const bad = await runCliAsync(['predict', '--model', 'm.json', '--input', '{"x": 1}'], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('layers[0].activation');
    model.layers[0].activation = 'leaky_relu';
    writeFileSync(join(dir, 'm.json'), JSON.stringify(model));
    const good = await runCliAsync(['predict', '--model', 'm.json', '--input', '{"x": -2}', '--json'], dir);
    expect(good.status, good.stderr).toBe(0);
    // z = leaky_relu(−2) = −0.02, ŷ = σ(−0.02).
    const doc = JSON.parse(good.stdout) as { predictions: { probability: number }[] };
    expect(doc.predictions[0].probability).toBeCloseTo(1 / (1 + Math.exp(0.02)), 12);
  });
});
