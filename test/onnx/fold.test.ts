/**
 * Folding the standardisation into the first layer: hand-worked numbers, a property against the
 * unfolded formula in float64, and the error for a weight that no longer fits a float32.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldStandardization, modelToOnnx, OnnxExportError, onnxColumns } from '../../src/model/onnx.js';
import { parseModel } from '../../src/model/schema.js';
import type { ModelFile, ModelInput } from '../../src/model/schema.js';

function model(inputs: ModelInput[], weights: number[][], bias: number[]): ModelFile {
  return parseModel({
    format: 'chainrule/model', version: 1, inputs, target: { name: 'y', positive: '1' },
    layers: [{ activation: 'sigmoid', weights, bias }, { activation: 'sigmoid', weights: [weights.map(() => 1)], bias: [0] }],
  });
}

describe('foldStandardization', () => {
  it('hand-worked: W = [[2, 3]], mean (1, 10), std (2, 5), b = 0.5 → W′ = [[1, 0.6]], b′ = 0.5 − (2·1/2 + 3·10/5) = −6.5', () => {
    const m = model([{ name: 'a', kind: 'numeric', mean: 1, std: 2 }, { name: 'b', kind: 'numeric', mean: 10, std: 5 }], [[2, 3]], [0.5]);
    const folded = foldStandardization(m);
    expect(folded.weights).toEqual([[1, 0.6]]);
    expect(folded.bias[0]).toBeCloseTo(-6.5, 14);
  });

  it('leaves raw numeric and one-hot columns alone, and treats std 0 as 1 like the encoder', () => {
    const m = model([
      { name: 'raw', kind: 'numeric' },
      { name: 'dept', kind: 'categorical', categories: ['HR', 'Sales'] },
      { name: 'flat', kind: 'numeric', mean: 4, std: 0 },
    ], [[0.5, -1, 2, 3], [1, 1, 1, 1]], [0.25, -0.25]);
    const folded = foldStandardization(m);
    expect(folded.weights).toEqual([[0.5, -1, 2, 3], [1, 1, 1, 1]]);
    expect(folded.bias).toEqual([0.25 - 3 * 4, -0.25 - 4]);
    expect(onnxColumns(m.inputs)).toEqual([
      { column: 0, input: 'raw', kind: 'numeric', fill: 0 },
      { column: 1, input: 'dept', kind: 'categorical', category: 'HR' },
      { column: 2, input: 'dept', kind: 'categorical', category: 'Sales' },
      { column: 3, input: 'flat', kind: 'numeric', fill: 4, mean: 4, std: 0 },
    ]);
  });

  it('property: W′·x + b′ equals W·((x − mean)/std) + b (float64, relative 1e-9)', () => {
    const column = fc.record({
      mean: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
      std: fc.double({ min: 1e-2, max: 1e3, noNaN: true }),
      x: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
    });
    const weight = fc.double({ min: -5, max: 5, noNaN: true });
    fc.assert(fc.property(
      fc.array(column, { minLength: 1, maxLength: 6 }).chain((cols) => fc.tuple(
        fc.constant(cols), fc.array(fc.array(weight, { minLength: cols.length, maxLength: cols.length }), { minLength: 1, maxLength: 4 }),
        fc.double({ min: -3, max: 3, noNaN: true }),
      )),
      ([cols, weights, b]) => {
        const inputs = cols.map((c, i) => ({ name: `x${i}`, kind: 'numeric' as const, mean: c.mean, std: c.std }));
        const m = model(inputs, weights, weights.map(() => b));
        const folded = foldStandardization(m);
        weights.forEach((row, j) => {
          const direct = row.reduce((acc, w, i) => acc + w * ((cols[i].x - cols[i].mean) / cols[i].std), b);
          const viaFold = folded.weights[j].reduce((acc, w, i) => acc + w * cols[i].x, folded.bias[j]);
          const scale = row.reduce((acc, w, i) => acc + Math.abs(w) * (Math.abs(cols[i].x) + Math.abs(cols[i].mean)) / cols[i].std, Math.abs(b));
          expect(Math.abs(direct - viaFold)).toBeLessThanOrEqual(1e-9 * scale + 1e-12);
        });
      },
    ), { numRuns: 200 });
  });
});

describe('float32 limits', () => {
  it('refuses a folded weight beyond float32, naming the field', () => {
    const m = model([{ name: 'a', kind: 'numeric', mean: 0, std: 0.5e-300 }], [[1]], [0]);
    expect(() => modelToOnnx(m)).toThrow(OnnxExportError);
    expect(() => modelToOnnx(m)).toThrow(/^layers\[0\]\.weights\[0\]\[0\]: (2|1\.9+8)e\+300 does not fit in a float32 tensor/);
  });
});
