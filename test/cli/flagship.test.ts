/**
 * The flagship model (issue 17 item 7): `chainrule train` with its defaults on the bundled data
 * gives a ŷ that never decreases in either input over a 50 × 50 grid of the observed range
 * (tolerance 1e-3), at a training accuracy within 1 point of the Bayes rate. The network is
 * evaluated here from the model file's numbers by a forward pass written in the test, and the
 * Bayes rate is recomputed from data/README.md's rule.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, REPO, runCliAsync, tempDir } from './helpers.js';

const BUNDLED = join(REPO, 'data/promotion.csv');

interface Layer { activation: string; weights: number[][]; bias: number[] }
interface Model {
  inputs: { name: string; mean?: number; std?: number }[];
  layers: Layer[];
  training: { monotone?: Record<string, string>; epochs: number };
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

function yhat(model: Model, raw: number[]): number {
  let a = raw.map((x, i) => {
    const { mean, std } = model.inputs[i];
    return mean !== undefined && std ? (x - mean) / std : x;
  });
  for (const layer of model.layers) {
    expect(layer.activation).toBe('sigmoid');
    a = layer.weights.map((w, j) => sigmoid(w.reduce((s, wi, i) => s + wi * a[i], layer.bias[j])));
  }
  return a[0];
}

const rows = readFileSync(BUNDLED, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));

describe('the flagship model: chainrule train with its defaults', () => {
  let model: Model;
  let accuracy: number;
  beforeAll(async () => {
    assertBuilt();
    const dir = tempDir();
    const r = await runCliAsync(['train', '--json', '--out', 'model.json'], dir);
    expect(r.status, r.stderr).toBe(0);
    accuracy = JSON.parse(r.stdout).accuracy;
    model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  }, 120_000);

  it('records the monotone constraints it trained under', () => {
    expect(model.training.monotone).toEqual({ years_experience: 'increasing', performance_score: 'increasing' });
  });

  it('ŷ never decreases along either input on a 50 × 50 grid of the observed range (tolerance 1e-3)', () => {
    const lo = [0, 1].map((i) => Math.min(...rows.map((r) => r[i])));
    const hi = [0, 1].map((i) => Math.max(...rows.map((r) => r[i])));
    const at = (i: number, k: number) => lo[i] + ((hi[i] - lo[i]) * k) / 49;
    let drops = 0;
    for (let a = 0; a < 50; a++) {
      for (let b = 0; b < 50; b++) {
        const y = yhat(model, [at(0, a), at(1, b)]);
        if (a < 49 && yhat(model, [at(0, a + 1), at(1, b)]) < y - 1e-3) drops++;
        if (b < 49 && yhat(model, [at(0, a), at(1, b + 1)]) < y - 1e-3) drops++;
      }
    }
    expect(drops).toBe(0);
    // And it is not flat: the corners of the rule are told apart.
    expect(yhat(model, [15, 95])).toBeGreaterThan(0.8);
    expect(yhat(model, [1, 45])).toBeLessThan(0.2);
  });

  it('training accuracy within 1 point of the Bayes rate recomputed from the rule', () => {
    const bayes = rows.filter(([years, score, promoted]) => (years >= 5 && score >= 70 ? 1 : 0) === promoted).length / rows.length;
    const correct = rows.filter(([years, score, promoted]) => (yhat(model, [years, score]) > 0.5 ? 1 : 0) === promoted).length;
    expect(correct / rows.length).toBeCloseTo(accuracy, 10);
    expect(bayes - accuracy).toBeLessThanOrEqual(0.01);
  });
});

describe('--monotone', () => {
  it('none with --epochs 300 is the unconstrained run; a constrained custom run keeps its direction', async () => {
    const dir = tempDir();
    const [free, down] = await Promise.all([
      runCliAsync(['train', '--quiet', '--monotone', 'none', '--epochs', '300', '--out', 'free.json'], dir),
      runCliAsync(['train', '--quiet', '--data', BUNDLED, '--monotone', 'performance_score:-', '--epochs', '50', '--out', 'down.json'], dir),
    ]);
    expect(free.status, free.stderr).toBe(0);
    expect(down.status, down.stderr).toBe(0);
    const m: Model = JSON.parse(readFileSync(join(dir, 'free.json'), 'utf8'));
    expect(m.training.monotone).toBeUndefined();
    const d: Model = JSON.parse(readFileSync(join(dir, 'down.json'), 'utf8'));
    expect(d.training.monotone).toEqual({ performance_score: 'decreasing' });
    for (const years of [0, 5, 10, 20]) {
      for (let score = 40; score < 100; score += 5) expect(yhat(d, [years, score + 5])).toBeLessThanOrEqual(yhat(d, [years, score]) + 1e-12);
    }
  }, 120_000);

  it('bad specs and unknown or categorical columns are one exit-2 line naming them', async () => {
    const dir = tempDir();
    const cases = await Promise.all([
      runCliAsync(['train', '--monotone', 'years_experience', '--out', 'a.json'], dir),
      runCliAsync(['train', '--monotone', 'salary:+', '--out', 'b.json'], dir),
      runCliAsync(['train', '--monotone', 'years_experience:+,years_experience:-', '--out', 'c.json'], dir),
    ]);
    for (const r of cases) {
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(cases[0].stderr).toContain('--monotone takes column:+ or column:- pairs');
    expect(cases[1].stderr).toContain('salary is not an input of the model');
    expect(cases[2].stderr).toContain('names years_experience twice');
  }, 60_000);
});
