/**
 * Numeric faults: a diverging learning rate stops naming the epoch and suggesting a smaller --lr,
 * exits 1 and leaves a good model at --out untouched; inputs of ±1e300 and denormals give finite
 * probabilities, or (when they overflow the model's standardisation or its layers) a clear error
 * naming the field: exit 2 on the CLI, 400 over HTTP. Never NaN.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encodeRecords, InputError } from '../../src/model/encoding.js';
import { saveModel } from '../../src/model/file.js';
import type { ModelFile } from '../../src/model/schema.js';
import { buildApp } from '../../src/server/app.js';
import { assertBuilt, removeTempDirs, runCliAsync, tempDir } from '../cli/helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

const EXTREMES = [1e300, -1e300, 5e-324, -5e-324, 1e-310, Number.MAX_VALUE, -Number.MAX_VALUE];

function promotionModel(std = 5.1, mean = 7.9): ModelFile {
  return {
    format: 'chainrule/model', version: 1,
    inputs: [
      { name: 'years_experience', kind: 'numeric', mean, std },
      { name: 'performance_score', kind: 'numeric', mean: 70, std: 15 },
    ],
    target: { name: 'promoted', positive: '1' },
    layers: [
      { activation: 'sigmoid', weights: [[1.2, 0.8], [-0.7, 1.5]], bias: [0.1, -0.3] },
      { activation: 'sigmoid', weights: [[2, -1.5]], bias: [0.2] },
    ],
    loss: 'bce', threshold: 0.5,
  };
}

/** Raw inputs, a ReLU layer and weights of both signs: 1e300 becomes ∞ − ∞ = NaN inside. */
function fragileModel(): ModelFile {
  return {
    format: 'chainrule/model', version: 1,
    inputs: [{ name: 'x', kind: 'numeric' }],
    target: { name: 'y', positive: '1' },
    layers: [
      { activation: 'relu', weights: [[1e10], [1e10]], bias: [0, 0] },
      { activation: 'sigmoid', weights: [[1, -1]], bias: [0] },
    ],
    loss: 'bce', threshold: 0.5,
  };
}

let dir: string;
beforeAll(() => {
  dir = tempDir();
  saveModel(join(dir, 'promotion.json'), promotionModel());
  saveModel(join(dir, 'tiny-std.json'), promotionModel(1e-3, 0));
  saveModel(join(dir, 'fragile.json'), fragileModel());
});

describe('a diverging learning rate', () => {
  test('stops naming the epoch and suggesting a smaller --lr, exits 1, leaves the good model at --out byte for byte', async () => {
    const good = readFileSync(join(dir, 'promotion.json'), 'utf8');
    writeFileSync(join(dir, 'out.json'), good);
    const r = await runCliAsync(['train', '--lr', '1e300', '--layers', '8', '--activation', 'relu', '--epochs', '50', '--out', 'out.json', '--quiet'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^chainrule: training diverged at epoch \d+: the (loss|parameter|a parameter) .*not finite; try a smaller --lr than 1e\+300\n$/);
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe(good);
  });
});

describe('extreme inputs through the encoder', () => {
  test(`±1e300, ±MAX_VALUE and denormals with std 5.1 encode to finite values: (x − mean)/std within 1e-12 relative`, () => {
    const model = promotionModel();
    for (const x of EXTREMES) {
      const { X } = encodeRecords(model.inputs, [{ years_experience: x, performance_score: 70 }]);
      const expected = (x - 7.9) / 5.1;
      expect(Number.isFinite(X[0])).toBe(true);
      expect(Math.abs(X[0] - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-12);
    }
  });

  test('1e306 with std 0.001 overflows: an InputError naming the field and quoting the value', () => {
    const model = promotionModel(1e-3, 0);
    expect(() => encodeRecords(model.inputs, [{ years_experience: 1e306, performance_score: 70 }]))
      .toThrow(new InputError('years_experience', 'years_experience: 1e+306 is too large for this model (standardised with mean 0 and std 0.001 it overflows)'));
  });
});

describe('extreme inputs through predict --input', () => {
  test(`${EXTREMES.join(', ')}: finite probabilities in [0, 1], exit 0`, async () => {
    const rows = EXTREMES.flatMap((x) => [{ years_experience: x, performance_score: 70 }, { years_experience: 5, performance_score: x }]);
    const r = await runCliAsync(['predict', '--model', 'promotion.json', '--input', JSON.stringify(rows), '--json'], dir);
    expect(r.status, r.stderr).toBe(0);
    const { predictions } = JSON.parse(r.stdout);
    expect(predictions).toHaveLength(rows.length);
    for (const p of predictions) {
      expect(Number.isFinite(p.probability)).toBe(true);
      expect(p.probability).toBeGreaterThanOrEqual(0);
      expect(p.probability).toBeLessThanOrEqual(1);
    }
  });

  test('overflow in the standardisation: exit 2 naming the field', async () => {
    const r = await runCliAsync(['predict', '--model', 'tiny-std.json', '--input', '{"years_experience": 1e306, "performance_score": 1}'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^chainrule: --input: years_experience: 1e\+306 is too large for this model/);
  });

  test('overflow inside the network (∞ − ∞): exit 2 naming the field, no NaN printed', async () => {
    const r = await runCliAsync(['predict', '--model', 'fragile.json', '--input', '[{"x": 1}, {"x": 1e300}]', '--json'], dir);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^chainrule: --input: row 2: x: the model's output is not a number for this row/);
  });

  test('the same through predict --data (CSV): 1e300 in a file, finite or a clear error', async () => {
    writeFileSync(join(dir, 'rows.csv'), `years_experience,performance_score\n1e300,70\n-1e300,5e-324\n1e-310,-1e300\n`);
    const r = await runCliAsync(['predict', '--model', 'promotion.json', '--data', 'rows.csv', '--json'], dir);
    expect(r.status, r.stderr).toBe(0);
    for (const p of JSON.parse(r.stdout).predictions) expect(Number.isFinite(p.probability)).toBe(true);
    writeFileSync(join(dir, 'x.csv'), 'x\n2\n1e300\n');
    const bad = await runCliAsync(['predict', '--model', 'fragile.json', '--data', 'x.csv'], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/row 2: x: the model's output is not a number/);
  });
});

describe('extreme inputs over HTTP', () => {
  test('finite probabilities for ±1e300 and denormals; 400 naming the field where the model overflows', async () => {
    const app = buildApp({ model: promotionModel() });
    const rows = EXTREMES.map((x) => ({ years_experience: x, performance_score: -x }));
    const ok = await app.inject({ method: 'POST', url: '/predict', payload: { rows } });
    expect(ok.statusCode).toBe(200);
    for (const p of ok.json().predictions) expect(Number.isFinite(p.probability)).toBe(true);
    await app.close();

    const fragile = buildApp({ model: fragileModel() });
    const bad = await fragile.inject({ method: 'POST', url: '/predict', payload: { rows: [{ x: 1 }, { x: 1e300 }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'x', row: 1 });
    expect(bad.json().error).toMatch(/^rows\[1\]: x: the model's output is not a number/);
    await fragile.close();
  });
});
