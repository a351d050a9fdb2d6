/**
 * The playground's three-class (level) and regression (salary) data sets and their sessions,
 * outside the browser: the points are the bundled generators' (their rules recomputed here), the
 * network's head follows the task, the worker's grid holds what the map draws (k probabilities
 * per cell summing to 1; a standardised value that maps back into the salaries' range), and
 * training with the library's fit reaches what the data allow (accuracy near the level rule's,
 * R² near the salary's noise ceiling), on the WebAssembly dense path for the softmax head.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../../web/src/config.js';
import { makeData, POINTS, SALARY_DEPARTMENT } from '../../web/src/datasets.js';
import { createSession, networkTarget, playgroundModel, rawOutput } from '../../web/src/session.js';
import { argmaxCell, valueRange } from '../../web/src/views/heatmap.js';
import { confidenceColor, classColor, valueColor } from '../../web/src/colors.js';
import { LEVELS, levelRule } from '../../src/data/generate-level.js';
import { salaryMean } from '../../src/data/generate-salary.js';
import { parseModel } from '../../src/model/schema.js';
import { lastChosenPath } from '../../src/accel/fastEpoch.js';

const config = (over: Partial<RunConfig>): RunConfig => ({ ...DEFAULT_CONFIG, ...over });

describe('the level data set (three classes)', () => {
  const data = makeData(config({ dataset: 'level', noise: 0 }));

  it('is the level generator\'s points: classes none/senior/lead by its rule when noise is 0, each class present', () => {
    expect(data.task).toBe('multiclass');
    expect(data.target).toEqual({ name: 'level', classes: ['none', 'senior', 'lead'] });
    const all = [...data.train, ...data.test];
    expect(all.length).toBe(POINTS);
    for (const p of all) expect(LEVELS[p.y]).toBe(levelRule(p.x1, p.x2));
    expect(new Set(all.map((p) => p.y))).toEqual(new Set([0, 1, 2]));
    expect(networkTarget(data, 1)).toEqual([0, 1, 0]);
  });

  it('trains a softmax head on the WebAssembly dense path; the grid is 3 probabilities per cell; accuracy near the rule\'s', () => {
    const session = createSession(config({ dataset: 'level', noise: 0, hidden: [6], activation: 'relu', lr: 0.03, batchSize: 10 }));
    expect(session.net.layers.at(-1)?.activation).toBe('softmax');
    expect(session.net.layers.at(-1)?.units).toBe(3);
    expect(session.net.loss).toBe('cross_entropy');
    for (let e = 0; e < 60; e++) session.runEpoch();
    expect(lastChosenPath()).toMatch(/WebAssembly SIMD, resident/);
    expect(session.history.at(-1)!.train).toBeLessThan(session.history[0].train / 2);
    const size = 20;
    const grid = session.grid(size);
    expect(grid.length).toBe(size * size * 3);
    for (let c = 0; c < size * size; c++) expect(Math.abs(grid[3 * c] + grid[3 * c + 1] + grid[3 * c + 2] - 1)).toBeLessThan(1e-12);
    // Training accuracy from the model file the page explains with (noise 0: the rule is learnable).
    const model = parseModel(JSON.parse(JSON.stringify(playgroundModel(data, session.layers()))));
    expect(model.task).toBe('multiclass');
    const probs = predictTrain(session);
    const correct = session.data.train.filter((p, i) => argmaxCell(probs, i, 3)[0] === p.y).length;
    expect(correct / session.data.train.length).toBeGreaterThan(0.9);
  });
});

/** The trained network's outputs on the training rows, by plain loops (relu hidden units; softmax or linear head). */
function predictTrain(session: ReturnType<typeof createSession>): Float64Array {
  return Float64Array.from(predictRows(session, session.data.trainX, session.data.train.length));
}

function predictRows(session: ReturnType<typeof createSession>, X: Float64Array, n: number): number[] {
  const out: number[] = [];
  const k = session.net.layers[0].inputs;
  for (let r = 0; r < n; r++) {
    let a = Array.from(X.subarray(r * k, (r + 1) * k));
    session.net.layers.forEach((layer, l) => {
      const z = Array.from({ length: layer.units }, (_, j) => a.reduce((s, x, i) => s + layer.weights[j * layer.inputs + i] * x, layer.bias[j]));
      if (l < session.net.layers.length - 1) a = z.map((v) => (v > 0 ? v : 0));
      else if (layer.activation === 'softmax') {
        const max = Math.max(...z);
        const e = z.map((v) => Math.exp(v - max));
        const sum = e.reduce((s, v) => s + v, 0);
        a = e.map((v) => v / sum);
      } else a = z;
    });
    out.push(...a);
  }
  return out;
}

describe('the salary data set (regression)', () => {
  const data = makeData(config({ dataset: 'salary', noise: 5 }));

  it('is the salary generator\'s points of one department; the target is standardised by its training mean and std', () => {
    expect(data.task).toBe('regression');
    const all = [...data.train, ...data.test];
    expect(all.length).toBe(POINTS);
    const residuals = all.map((p) => p.y - salaryMean(p.x1, p.x2, SALARY_DEPARTMENT));
    const sigma = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / residuals.length);
    // σ = 6,000 at the default 5% noise, within sampling error (and the rounding to a unit).
    expect(sigma).toBeGreaterThan(5200);
    expect(sigma).toBeLessThan(6800);
    const ys = data.train.map((p) => p.y);
    const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
    expect(data.target.mean).toBeCloseTo(mean, 6);
    expect(networkTarget(data, mean + data.target.std!)[0]).toBeCloseTo(1, 12);
    expect(rawOutput(data, -1)).toBeCloseTo(mean - data.target.std!, 6);
  });

  it('trains a linear head with MSE; R² on the training points near the noise ceiling; the grid maps back into the salaries\' range', () => {
    const session = createSession(config({ dataset: 'salary', noise: 5, hidden: [8], activation: 'relu', lr: 0.03, batchSize: 10 }));
    expect(session.net.layers.at(-1)?.activation).toBe('linear');
    expect(session.net.loss).toBe('mse');
    for (let e = 0; e < 100; e++) session.runEpoch();
    expect(lastChosenPath()).toMatch(/WebAssembly SIMD, resident/);
    const out = predictRows(session, session.data.trainX, session.data.train.length).map((v) => rawOutput(data, v));
    const ys = session.data.train.map((p) => p.y);
    const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
    const ss = ys.reduce((s, y) => s + (y - mean) ** 2, 0);
    const r2 = 1 - ys.reduce((s, y, i) => s + (y - out[i]) ** 2, 0) / ss;
    const ceiling = 1 - ys.reduce((s, y, i) => s + (y - salaryMean(session.data.train[i].x1, session.data.train[i].x2, SALARY_DEPARTMENT)) ** 2, 0) / ss;
    console.log(`playground salary: training R² ${r2.toFixed(4)}, noise ceiling ${ceiling.toFixed(4)}`);
    expect(r2).toBeGreaterThan(ceiling - 0.03);
    const [lo, hi] = valueRange(session.data);
    const grid = session.grid(10);
    expect(grid.length).toBe(100);
    const raw = Array.from(grid, (v) => rawOutput(session.data, v));
    expect(Math.min(...raw)).toBeGreaterThan(lo - 0.5 * (hi - lo));
    expect(Math.max(...raw)).toBeLessThan(hi + 0.5 * (hi - lo));
    expect(Math.max(...raw) - Math.min(...raw)).toBeGreaterThan(0.5 * (hi - lo));
  });
});

describe('the map\'s colours', () => {
  it('a class at chance is white, at certainty its own colour; the value scale runs dark to light', () => {
    expect(confidenceColor(1, 1 / 3, 3)).toEqual([240, 240, 240]);
    expect(confidenceColor(1, 1, 3)).toEqual(classColor(1));
    expect(new Set([0, 1, 2].map((k) => classColor(k).join())).size).toBe(3);
    const lum = ([r, g, b]: [number, number, number]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
    for (let i = 0; i < 10; i++) expect(lum(valueColor((i + 1) / 10))).toBeGreaterThan(lum(valueColor(i / 10)));
  });
});
