/**
 * The public API (src/index.ts): every function the README names exists; `train` fills in the same
 * defaults as `chainrule train`, calls onEpoch in order and stops on 'stop', and is reproducible;
 * `predict` equals a forward pass computed by hand; files round-trip; errors name what is wrong.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import type { EpochRecord, ModelFile } from '../../src/index.js';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BUNDLED = new URL('../../data/promotion.csv', import.meta.url).pathname;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** A hand-written 2-2-1 model with standardised inputs (DESIGN.md's model file shape). */
const MODEL: ModelFile = api.parseModel({
  format: 'chainrule/model', version: 1,
  inputs: [
    { name: 'years_experience', kind: 'numeric', mean: 7.9, std: 5.1 },
    { name: 'performance_score', kind: 'numeric', mean: 70, std: 15 },
  ],
  target: { name: 'promoted', positive: '1' },
  layers: [
    { activation: 'sigmoid', weights: [[1.5, 0.3], [0.2, 1.8]], bias: [-0.4, -0.6] },
    { activation: 'sigmoid', weights: [[2.1, 2.4]], bias: [-2.5] },
  ],
  loss: 'bce', threshold: 0.5,
});

describe('the public API', () => {
  it('exports what the README names, as functions', () => {
    for (const name of [
      'createNetwork', 'createRng', 'train', 'fit', 'predict', 'predictNetwork', 'explain', 'loadModel', 'saveModel',
      'readCsv', 'tableFromRows', 'evaluateModel', 'evaluate', 'accuracy', 'exportOnnx', 'modelToOnnx',
    ] as const) expect(typeof api[name], name).toBe('function');
  });

  it('train with no options but the target writes the same bytes as `chainrule train --data` with the same file', async () => {
    const out = join(dir, 'cli-defaults.json');
    // With --data the CLI's defaults are the library's (without it, the flagship run adds --monotone and 1,000 epochs).
    execFileSync(process.execPath, [new URL('../../dist/cli/main.js', import.meta.url).pathname, 'train', '--quiet', '--data', BUNDLED, '--out', out]);
    const { model } = api.train(await api.readCsv(BUNDLED), { target: 'promoted' });
    expect(api.serializeModel(model)).toBe(readFileSync(out, 'utf8'));
    expect(Object.isFrozen(api.TRAIN_DEFAULTS)).toBe(true);
    expect(model.training).toMatchObject({ seed: 42, epochs: 300, batchSize: 32 });
  });

  it('train calls onEpoch once per epoch in order, and stops after the epoch where it returns "stop"', async () => {
    const table = await api.readCsv(BUNDLED);
    const seen: EpochRecord[] = [];
    const { result, model } = api.train(table, {
      target: 'promoted', epochs: 50, onEpoch: (record) => (seen.push(record), record.epoch === 4 ? 'stop' : undefined),
    });
    expect(seen.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    expect(seen.every((r) => Number.isFinite(r.loss) && r.loss > 0)).toBe(true);
    expect(result.history).toEqual(seen);
    expect(result.stoppedByCallback).toBe(true);
    expect(model.training?.epochs).toBe(4);
  });

  it('train is reproducible (same seed, same weights) and an undefined option means the default', async () => {
    const table = await api.readCsv(BUNDLED);
    const a = api.train(table, { target: 'promoted', epochs: 3 });
    const b = api.train(table, { target: 'promoted', epochs: 3, lr: undefined, seed: undefined });
    const c = api.train(table, { target: 'promoted', epochs: 3, seed: 43 });
    expect(b.model.layers).toEqual(a.model.layers);
    expect(c.model.layers).not.toEqual(a.model.layers);
    expect(a.model.layers[0].weights).toHaveLength(2);
  });

  it('predict equals the forward pass by hand, with the decision at the threshold', () => {
    const records = [{ years_experience: 12, performance_score: 85 }, { years_experience: 1, performance_score: 40 }];
    const expected = records.map((r) => {
      const x1 = (r.years_experience - 7.9) / 5.1;
      const x2 = (r.performance_score - 70) / 15;
      const a1 = sigmoid(1.5 * x1 + 0.3 * x2 - 0.4);
      const a2 = sigmoid(0.2 * x1 + 1.8 * x2 - 0.6);
      return sigmoid(2.1 * a1 + 2.4 * a2 - 2.5);
    });
    const got = api.predict(MODEL, records) as { probability: number; label: number }[];
    got.forEach((p, i) => expect(p.probability).toBeCloseTo(expected[i], 14));
    expect(got.map((p) => p.label)).toEqual(expected.map((p) => (p > 0.5 ? 1 : 0)));
    expect(new Set(got.map((p) => p.label)).size).toBe(2);
  });

  it('evaluateModel scores a labelled table: accuracy and confusion counts equal those from the hand forward pass', () => {
    const rows = [[12, 85, 1], [1, 40, 0], [9, 60, 1], [3, 95, 0], [15, 75, 1], [6, 71, 0]];
    const table = api.tableFromRows('people.csv', ['years_experience', 'performance_score', 'promoted'], rows.map((r) => r.map(String)));
    const hand = rows.map(([years, score]) => {
      const x1 = (years - 7.9) / 5.1;
      const x2 = (score - 70) / 15;
      return sigmoid(2.1 * sigmoid(1.5 * x1 + 0.3 * x2 - 0.4) + 2.4 * sigmoid(0.2 * x1 + 1.8 * x2 - 0.6) - 2.5);
    });
    const count = (predicted: number, actual: number) => rows.filter((r, i) => (hand[i] > 0.5 ? 1 : 0) === predicted && r[2] === actual).length;
    const result = api.evaluateModel(MODEL, table) as { rows: number; accuracy: number; confusion: { tp: number; fp: number; tn: number; fn: number } };
    expect(result.confusion).toEqual({ tp: count(1, 1), fp: count(1, 0), tn: count(0, 0), fn: count(0, 1) });
    expect(result.accuracy).toBeCloseTo((count(1, 1) + count(0, 0)) / rows.length, 14);
    expect(result.rows).toBe(6);
    expect(count(1, 1) + count(0, 0)).toBeGreaterThan(0);
    expect(count(1, 0) + count(0, 1)).toBeGreaterThan(0);
  });

  it('predict names the missing input', () => {
    expect(() => api.predict(MODEL, [{ years_experience: 3 }])).toThrow(/performance_score: missing input/);
  });

  it('createNetwork + fit + predictNetwork: the network level, seeded, lowering the loss', () => {
    const rng = api.createRng(5);
    const net = api.createNetwork({ inputs: 2, hidden: [4], activation: 'tanh' }, rng);
    expect(net.layers.map((l) => [l.units, l.inputs, l.activation])).toEqual([[4, 2, 'tanh'], [1, 4, 'sigmoid']]);
    const n = 64;
    const X = Float64Array.from({ length: 2 * n }, () => 2 * rng.next() - 1);
    const Y = Float64Array.from({ length: n }, (_, r) => (X[2 * r] * X[2 * r + 1] > 0 ? 1 : 0));
    const epochs: number[] = [];
    const fitted = api.fit(net, { X, Y, n }, {
      epochs: 200, batchSize: 'full', optimizer: api.optimizerConfig('adam', 0.05), rng, onEpoch: (r) => void epochs.push(r.loss),
    });
    expect(fitted.history).toHaveLength(200);
    expect(epochs[199]).toBeLessThan(0.5 * epochs[0]);
    const p = api.predictNetwork(net, X, n);
    expect(api.accuracy(p, Y)).toBeGreaterThan(0.9);
  });

  it('saveModel then loadModel gives the same model back; a bad file is named', () => {
    const path = join(dir, 'm.json');
    api.saveModel(path, MODEL);
    expect(api.loadModel(path)).toEqual(MODEL);
    expect(() => api.loadModel(join(dir, 'none.json'))).toThrow(api.ModelFileError);
    expect(() => api.loadModel(join(dir, 'none.json'))).toThrow(/none\.json: no such model file/);
  });

  it('readCsv returns a promise and names a missing file', async () => {
    const pending = api.readCsv(BUNDLED);
    expect(pending).toBeInstanceOf(Promise);
    expect((await pending).header).toEqual(['years_experience', 'performance_score', 'promoted']);
    await expect(api.readCsv(join(dir, 'missing.csv'))).rejects.toThrow(/missing\.csv: no such file/);
  });

  it('explain returns the chain-rule factors of every parameter, each product equal to its gradient', () => {
    const doc = api.explain(MODEL, { years_experience: 12, performance_score: 85 }, 1);
    expect(doc.factors.map((f) => f.param)).toEqual(['w11', 'w21', 'w12', 'w22', 'b1', 'b2', 'w1', 'w2', 'b3']);
    for (const f of doc.factors) expect(Math.abs(f.product - f.gradient)).toBeLessThan(1e-12);
    expect(doc.check.maxAbsDiff).toBeLessThan(1e-6);
  });
});
