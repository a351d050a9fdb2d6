/** exportOnnx writes exactly the bytes it returns, atomically (no temp file left), the same bytes for the same model. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeOnnx, exportOnnx, modelToOnnx } from '../../src/model/onnx.js';
import { parseModel } from '../../src/model/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-onnx-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const model = parseModel({
  format: 'chainrule/model', version: 1,
  inputs: [{ name: 'x', kind: 'numeric', mean: 1, std: 2 }, { name: 'c', kind: 'categorical', categories: ['a', 'b'] }],
  target: { name: 'y', positive: 'yes' },
  layers: [{ activation: 'relu', weights: [[0.5, 1, -1]], bias: [0.25] }, { activation: 'sigmoid', weights: [[2]], bias: [-1] }],
  threshold: 0.3,
});

describe('exportOnnx', () => {
  it('writes the returned bytes, replacing an existing file, leaving no temp file', () => {
    const path = join(dir, 'm.onnx');
    writeFileSync(path, 'old contents');
    const bytes = exportOnnx(model, path);
    expect(new Uint8Array(readFileSync(path))).toEqual(new Uint8Array(bytes));
    expect(readdirSync(dir)).toEqual(['m.onnx']);
  });

  it('is deterministic: the same model gives the same bytes', () => {
    expect(modelToOnnx(model)).toEqual(modelToOnnx(structuredClone(model)));
  });

  it('round-trips through the decoder: folded weights, threshold and target in the metadata', () => {
    const decoded = decodeOnnx(modelToOnnx(model)) as {
      graph: { initializer: { name: string; float_data: number[] }[] }; metadata_props: { key: string; value: string }[];
    };
    // W′ = [0.5/2, 1, −1], b′ = 0.25 − 0.5·1/2 = 0.
    expect(decoded.graph.initializer[0]).toMatchObject({ name: 'layers.0.weights', float_data: [0.25, 1, -1] });
    expect(decoded.graph.initializer[1].float_data).toEqual([0]);
    const meta = Object.fromEntries(decoded.metadata_props.map((p) => [p.key, p.value]));
    expect(meta['chainrule.threshold']).toBe('0.3');
    expect(JSON.parse(meta['chainrule.target'])).toEqual({ name: 'y', positive: 'yes' });
    expect(meta['chainrule.format']).toBe('chainrule/model v1');
  });
});
