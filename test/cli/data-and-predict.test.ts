/**
 * The bundled data and what is trained on it: `gen-data` reproduces data/promotion.csv, the
 * generator's Bayes rate is recomputed here from the documented rule, the default `train` comes
 * within 3 points of it, and `predict` agrees both with `train`'s reported accuracy and with
 * Net 2's forward pass written out by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, FIXTURES, REPO, removeTempDirs, runCliAsync, tempDir } from './helpers.js';
import { P0 } from '../fixtures/net2.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

const BUNDLED = join(REPO, 'data/promotion.csv');

function readRows(path: string): { years: number; score: number; promoted: number }[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  expect(header.split(',')).toEqual(['years_experience', 'performance_score', 'promoted']);
  return lines.map((l) => {
    const [years, score, promoted] = l.split(',').map(Number);
    return { years, score, promoted };
  });
}

/** data/README.md's rule: promoted exactly when years ≥ 5 and score ≥ 70 (before label noise). */
const bayesRule = (r: { years: number; score: number }) => (r.years >= 5 && r.score >= 70 ? 1 : 0);

describe('bundled data', () => {
  it('gen-data --schema simple --rows 1000 --seed 1 reproduces data/promotion.csv byte for byte; seed 2 differs', async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all([
      runCliAsync(['gen-data', '--schema', 'simple', '--rows', '1000', '--seed', '1', '--out', 'a.csv'], dir),
      runCliAsync(['gen-data', '--schema', 'simple', '--rows', '1000', '--seed', '2', '--out', 'b.csv'], dir),
    ]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    expect(readFileSync(join(dir, 'a.csv')).equals(readFileSync(BUNDLED))).toBe(true);
    expect(readFileSync(join(dir, 'b.csv')).equals(readFileSync(BUNDLED))).toBe(false);
  });

  it('1000 rows in the documented ranges; the noiseless rule agrees with 91.50% of labels, as data/README.md states', () => {
    const rows = readRows(BUNDLED);
    expect(rows).toHaveLength(1000);
    expect(rows.every((r) => r.years >= 0 && r.years <= 20 && r.score >= 40 && r.score <= 100 && (r.promoted === 0 || r.promoted === 1))).toBe(true);
    const bayes = rows.filter((r) => bayesRule(r) === r.promoted).length / rows.length;
    expect(bayes).toBeCloseTo(0.915, 10);
    expect(readFileSync(join(REPO, 'data/README.md'), 'utf8')).toContain('91.50%');
    // The flip rate is near the documented 8%, and the label is not a function of one feature alone.
    expect(Math.abs(1 - bayes - 0.08)).toBeLessThan(0.02);
  });
});

describe('train with defaults on the bundled data', () => {
  it('training accuracy within 3 points of the Bayes rate (recomputed from the rule), and predict agrees with it', async () => {
    const dir = tempDir();
    const r = await runCliAsync(['train', '--json', '--out', 'model.json'], dir);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const rows = readRows(BUNDLED);
    const bayes = rows.filter((row) => bayesRule(row) === row.promoted).length / rows.length;
    expect(summary.rows).toBe(1000);
    expect(Math.abs(summary.accuracy - bayes)).toBeLessThanOrEqual(0.03);

    // Score the same file with predict and count correct decisions ourselves.
    const p = await runCliAsync(['predict', '--model', 'model.json', '--data', BUNDLED, '--json'], dir);
    expect(p.status, p.stderr).toBe(0);
    const predictions: { probability: number; label: number | string }[] = JSON.parse(p.stdout).predictions;
    expect(predictions).toHaveLength(1000);
    const correct = predictions.filter((q, i) => (q.probability > 0.5 ? 1 : 0) === rows[i].promoted).length;
    expect(correct / 1000).toBeCloseTo(summary.accuracy, 10);
    predictions.forEach((q) => expect(Number(q.label)).toBe(q.probability > 0.5 ? 1 : 0));
  });
});

describe('predict with a hand-written model', () => {
  const sigma = (z: number) => 1 / (1 + Math.exp(-z));
  const net2 = (x1: number, x2: number) => {
    const a1 = sigma(P0.w11 * x1 + P0.w21 * x2 + P0.b1);
    const a2 = sigma(P0.w12 * x1 + P0.w22 * x2 + P0.b2);
    return sigma(P0.w1 * a1 + P0.w2 * a2 + P0.b3);
  };

  it('Net 2 fixture (raw inputs): probabilities equal σ(w1·a1 + w2·a2 + b3) to 1e-12, in input order', async () => {
    const inputs = [[5, 3.5], [-2, 0.75], [0.4, -1.1], [-8, 6]];
    const dir = tempDir();
    const r = await runCliAsync([
      'predict', '--model', join(FIXTURES, 'net2-init.json'), '--json',
      '--input', JSON.stringify(inputs.map(([x1, x2]) => ({ years_experience: x1, performance_score: x2 }))),
    ], dir);
    expect(r.status, r.stderr).toBe(0);
    const predictions: { probability: number; label: number | string }[] = JSON.parse(r.stdout).predictions;
    expect(predictions).toHaveLength(inputs.length);
    predictions.forEach((q, i) => {
      const want = net2(inputs[i][0], inputs[i][1]);
      expect(Math.abs(q.probability - want)).toBeLessThanOrEqual(1e-12 * want);
      expect(Number(q.label)).toBe(want > 0.5 ? 1 : 0);
    });
    // The cases straddle the threshold, so the labels test something.
    expect(new Set(predictions.map((q) => Number(q.label))).size).toBe(2);
  });
});
