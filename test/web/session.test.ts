/**
 * The playground's data and training session, outside the browser: seeded data with the promised
 * shapes, and training steps checked against a plain scalar re-implementation (finite differences
 * of the mean loss), not against the library's own backward pass.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../../web/src/config.js';
import { encodePoint, makeData, POINTS } from '../../web/src/datasets.js';
import { createSession, playgroundModel } from '../../web/src/session.js';
import { promotionRule } from '../../src/data/generate.js';
import { explainModel } from '../../src/app/explain-model.js';
import type { ModelLayer } from '../../src/model/schema.js';

const config = (over: Partial<RunConfig>): RunConfig => ({ ...DEFAULT_CONFIG, ...over });
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** ŷ of a sigmoid network written with plain loops. */
function forwardPlain(layers: ModelLayer[], x: number[]): number {
  let a = x;
  for (const layer of layers) {
    a = layer.weights.map((row, j) => sigmoid(row.reduce((s, w, i) => s + w * a[i], layer.bias[j])));
  }
  return a[0];
}

function meanBce(layers: ModelLayer[], X: number[][], Y: number[]): number {
  return X.reduce((s, x, r) => {
    const p = forwardPlain(layers, x);
    return s - (Y[r] * Math.log(p) + (1 - Y[r]) * Math.log(1 - p));
  }, 0) / X.length;
}

describe('data sets', () => {
  it('are reproducible from the seed and change with it', () => {
    for (const dataset of ['promotion', 'circle', 'xor', 'spiral', 'linear'] as const) {
      const a = makeData({ dataset, noise: 10, trainRatio: 70, seed: 3 });
      expect(makeData({ dataset, noise: 10, trainRatio: 70, seed: 3 }), dataset).toEqual(a);
      expect(makeData({ dataset, noise: 10, trainRatio: 70, seed: 4 }).train, dataset).not.toEqual(a.train);
      expect(a.train.length + a.test.length, dataset).toBe(POINTS);
      expect(a.train.length, dataset).toBe(Math.round(POINTS * 0.7));
    }
  });

  it('circle at zero noise: label 1 exactly inside radius 2.5, 0 from radius 3.5 out', () => {
    const d = makeData({ dataset: 'circle', noise: 0, trainRatio: 50, seed: 1 });
    for (const p of [...d.train, ...d.test]) {
      const r = Math.hypot(p.x1, p.x2);
      if (p.y === 1) expect(r).toBeLessThanOrEqual(2.5); else expect(r).toBeGreaterThanOrEqual(3.5);
    }
  });

  it('xor at zero noise: label 1 exactly when x1·x2 > 0', () => {
    const d = makeData({ dataset: 'xor', noise: 0, trainRatio: 50, seed: 1 });
    for (const p of d.train) expect(p.y).toBe(p.x1 * p.x2 > 0 ? 1 : 0);
  });

  it('promotion at zero noise follows the generator rule, in raw units', () => {
    const d = makeData({ dataset: 'promotion', noise: 0, trainRatio: 50, seed: 1 });
    expect((d.axes ?? []).map((a) => a.name)).toEqual(['years_experience', 'performance_score']);
    for (const p of d.train) expect(p.y).toBe(promotionRule(p.x1, p.x2));
  });

  it('standardises with the training points: mean 0, std 1', () => {
    const d = makeData({ dataset: 'linear', noise: 20, trainRatio: 70, seed: 5 });
    const enc = d.train.map((p) => encodePoint(d, p.x1, p.x2));
    for (const k of [0, 1]) {
      const m = enc.reduce((s, e) => s + e[k], 0) / enc.length;
      const v = enc.reduce((s, e) => s + (e[k] - m) ** 2, 0) / enc.length;
      expect(m).toBeCloseTo(0, 12);
      expect(v).toBeCloseTo(1, 12);
    }
  });
});

describe('training session', () => {
  it('one full-batch SGD epoch is θ − η·∂J/∂θ with ∂J/∂θ by finite differences of the mean loss', () => {
    const lr = 0.5;
    const s = createSession(config({ dataset: 'promotion', hidden: [2], optimizer: 'sgd', lr, batchSize: 1000, trainRatio: 50 }));
    const before = s.layers();
    const X = s.data.train.map((p) => encodePoint(s.data, p.x1, p.x2));
    const Y = s.data.train.map((p) => p.y);
    s.runEpoch();
    const after = s.layers();
    const h = 1e-6;
    before.forEach((layer, l) => {
      const check = (get: (ls: ModelLayer[]) => number, set: (ls: ModelLayer[], v: number) => void, name: string) => {
        const plus = structuredClone(before); set(plus, get(before) + h);
        const minus = structuredClone(before); set(minus, get(before) - h);
        const grad = (meanBce(plus, X, Y) - meanBce(minus, X, Y)) / (2 * h);
        expect(get(after), name).toBeCloseTo(get(before) - lr * grad, 8);
      };
      layer.weights.forEach((row, j) => row.forEach((_, i) => check((ls) => ls[l].weights[j][i], (ls, v) => { ls[l].weights[j][i] = v; }, `w[${l}][${j}][${i}]`)));
      layer.bias.forEach((_, j) => check((ls) => ls[l].bias[j], (ls, v) => { ls[l].bias[j] = v; }, `b[${l}][${j}]`));
    });
    expect(s.history[1].train).toBeCloseTo(meanBce(after, X, Y), 10);
  });

  it('the same config trained to the same epoch gives the same weights; another seed does not', () => {
    const c = config({ dataset: 'circle', hidden: [4, 2], activation: 'tanh', optimizer: 'adam', batchSize: 10 });
    const a = createSession(c);
    const b = createSession(c);
    for (let e = 0; e < 15; e++) a.runEpoch();
    for (let e = 0; e < 15; e++) b.runEpoch();
    expect(b.layers()).toEqual(a.layers());
    const other = createSession({ ...c, seed: c.seed + 1 });
    for (let e = 0; e < 15; e++) other.runEpoch();
    expect(other.layers()).not.toEqual(a.layers());
  });

  it('learns the circle: test loss below 0.1 within 300 epochs (4 tanh units, Adam)', () => {
    const s = createSession(config({ dataset: 'circle', noise: 0, hidden: [4], activation: 'tanh', optimizer: 'adam', lr: 0.03, batchSize: 10 }));
    let epoch = 0;
    while (epoch < 300 && s.history[s.history.length - 1].test >= 0.1) epoch = s.runEpoch().epoch;
    expect(s.history[s.history.length - 1].test).toBeLessThan(0.1);
    expect(s.history[0].test).toBeGreaterThan(0.5);
  });

  it('the heat-map grid is ŷ at each cell centre, row 0 at the top', () => {
    const s = createSession(config({ dataset: 'promotion', hidden: [2] }));
    for (let e = 0; e < 3; e++) s.runEpoch();
    const size = 7;
    const grid = s.grid(size);
    expect(s.data.axes).not.toBeNull();
    const [a1, a2] = s.data.axes as NonNullable<typeof s.data.axes>;
    for (const [gx, gy] of [[0, 0], [6, 0], [3, 3], [0, 6], [6, 6]]) {
      const x1 = a1.min + ((gx + 0.5) / size) * (a1.max - a1.min);
      const x2 = a2.max - ((gy + 0.5) / size) * (a2.max - a2.min);
      expect(grid[gy * size + gx]).toBeCloseTo(forwardPlain(s.layers(), encodePoint(s.data, x1, x2)), 12);
    }
  });

  it("each hidden unit's grid is that unit's activation at the cell centres", () => {
    const s = createSession(config({ dataset: 'circle', hidden: [3, 2], activation: 'tanh' }));
    for (let e = 0; e < 3; e++) s.runEpoch();
    const size = 5;
    const grids = s.unitGrids(size);
    expect(grids.length).toBe((3 + 2) * size * size);
    const layers = s.layers();
    expect(s.data.axes).not.toBeNull();
    const [a1, a2] = s.data.axes as NonNullable<typeof s.data.axes>;
    const [gx, gy] = [1, 3];
    const x = encodePoint(s.data, a1.min + ((gx + 0.5) / size) * (a1.max - a1.min), a2.max - ((gy + 0.5) / size) * (a2.max - a2.min));
    const h1 = layers[0].weights.map((row, j) => Math.tanh(row[0] * x[0] + row[1] * x[1] + layers[0].bias[j]));
    const h2 = layers[1].weights.map((row, j) => Math.tanh(row.reduce((acc, w, i) => acc + w * h1[i], layers[1].bias[j])));
    [...h1, ...h2].forEach((a, u) => expect(grids[u * size * size + gy * size + gx], `unit ${u}`).toBeCloseTo(a, 12));
  });

  it('its model file explains a point with the notes names and the same standardised input', () => {
    const s = createSession(config({ dataset: 'promotion', hidden: [2] }));
    s.runEpoch();
    const model = playgroundModel(s.data, s.layers());
    const p = s.data.train[0];
    const doc = explainModel(model, { years_experience: p.x1, performance_score: p.x2 }, p.y, { param: 'w21' });
    const x = encodePoint(s.data, p.x1, p.x2);
    expect(doc.prediction).toBeCloseTo(forwardPlain(s.layers(), x), 12);
    expect(doc.factors[0].terms[doc.factors[0].terms.length - 1].value).toBeCloseTo(x[1], 12);
  });
});
