/**
 * The HR-style data end to end through the CLI: gen-data reproduces data/hr-sample.csv; on an 80/20
 * stratified split of it chainrule's ROC AUC is within 0.02 of a logistic regression fitted here by
 * Newton's method on the same encoded matrix, and --class-weight balanced lifts F1 at the 0.5
 * threshold. `evaluate --json` is checked against metrics worked out by hand on a tiny model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecords } from '../../src/model/encoding.js';
import { parseModel } from '../../src/model/schema.js';
import { assertBuilt, REPO, removeTempDirs, runCli, tempDir, writeIn } from './helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

const SAMPLE = join(REPO, 'data/hr-sample.csv');

/** Plain CSV (no quoted fields in the sample) into records of strings. */
function records(lines: string[], header: string[]): Record<string, string>[] {
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, c) => [header[c], v])));
}

/** Over all (positive, negative) pairs: 1 when the positive scores higher, 1/2 on a tie. */
function pairAuc(score: Float64Array, y: Float64Array): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      sum += score[i] > score[j] ? 1 : score[i] === score[j] ? 0.5 : 0;
    }
  }
  return sum / pairs;
}

/**
 * Logistic regression by Newton's method (IRLS) with an intercept and a ridge λ on the weights,
 * minimising Σ log-loss + λ/2·|w|² (λ = 1 is scikit-learn's default C = 1; it also makes the
 * collinear one-hot columns solvable): β ← β + (XᵀWX + λI)⁻¹(Xᵀ(y − p) − λβ).
 */
function logisticRegression(X: Float64Array, y: Float64Array, n: number, d: number, lambda = 1): Float64Array {
  const k = d + 1;
  const beta = new Float64Array(k);
  const row = (i: number, j: number) => (j === 0 ? 1 : X[i * d + j - 1]);
  for (let iter = 0; iter < 25; iter++) {
    const H = Array.from({ length: k }, () => new Float64Array(k + 1));
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < k; j++) z += beta[j] * row(i, j);
      const p = 1 / (1 + Math.exp(-z));
      const w = p * (1 - p);
      for (let a = 0; a < k; a++) {
        const xa = row(i, a);
        if (xa === 0) continue;
        H[a][k] += xa * (y[i] - p);
        for (let b = 0; b < k; b++) H[a][b] += w * xa * row(i, b);
      }
    }
    for (let a = 1; a < k; a++) {
      H[a][a] += lambda;
      H[a][k] -= lambda * beta[a];
    }
    // Gauss–Jordan with partial pivoting on the augmented system.
    for (let c = 0; c < k; c++) {
      let pivot = c;
      for (let r = c + 1; r < k; r++) if (Math.abs(H[r][c]) > Math.abs(H[pivot][c])) pivot = r;
      [H[c], H[pivot]] = [H[pivot], H[c]];
      for (let r = 0; r < k; r++) {
        if (r === c) continue;
        const f = H[r][c] / H[c][c];
        for (let j = c; j <= k; j++) H[r][j] -= f * H[c][j];
      }
    }
    let step = 0;
    for (let a = 0; a < k; a++) {
      const delta = H[a][k] / H[a][a];
      beta[a] += delta;
      step = Math.max(step, Math.abs(delta));
    }
    if (step < 1e-10) break;
  }
  return beta;
}

describe('HR sample', () => {
  it('gen-data --schema hr --rows 5000 --seed 1 reproduces data/hr-sample.csv byte for byte, about 8% promoted', async () => {
    const dir = tempDir();
    const r = await runCli(['gen-data', '--schema', 'hr', '--rows', '5000', '--seed', '1', '--out', 'hr.csv'], dir);
    expect(r.status, r.stderr).toBe(0);
    const made = readFileSync(join(dir, 'hr.csv'));
    expect(made.equals(readFileSync(SAMPLE))).toBe(true);
    const [header, ...lines] = made.toString('utf8').trim().split('\n');
    expect(header).toBe('employee_id,department,region,education,gender,recruitment_channel,no_of_trainings,age,previous_year_rating,length_of_service,KPIs_met_80,awards_won,avg_training_score,is_promoted');
    const rows = records(lines, header.split(','));
    const promoted = rows.filter((row) => row.is_promoted === '1').length / rows.length;
    expect(promoted).toBeGreaterThan(0.06);
    expect(promoted).toBeLessThan(0.10);
    expect(rows.some((row) => row.previous_year_rating === '')).toBe(true);
    expect(new Set(rows.map((row) => row.region)).size).toBeLessThanOrEqual(34);
  });

  it('80/20 split: ROC AUC within 0.02 of logistic regression on the same encoded matrix; balanced class weights lift F1', async () => {
    const dir = tempDir();
    const [header, ...lines] = readFileSync(SAMPLE, 'utf8').trim().split('\n');
    // Stratified: every fifth row of each class is held out.
    const seen = [0, 0];
    const train: string[] = [];
    const test: string[] = [];
    for (const line of lines) {
      const cls = line.endsWith(',1') ? 1 : 0;
      (seen[cls]++ % 5 === 4 ? test : train).push(line);
    }
    writeIn(dir, 'train.csv', `${header}\n${train.join('\n')}\n`);
    writeIn(dir, 'test.csv', `${header}\n${test.join('\n')}\n`);
    const common = ['train', '--data', 'train.csv', '--target', 'is_promoted', '--layers', '4', '--optimizer', 'adam',
      '--lr', '0.003', '--epochs', '100', '--l2', '0.001', '--seed', '42', '--quiet'];
    const trained = await Promise.all([
      runCli([...common, '--out', 'plain.json'], dir),
      runCli([...common, '--class-weight', 'balanced', '--out', 'balanced.json'], dir),
    ]);
    for (const t of trained) {
      expect(t.status, t.stderr).toBe(0);
      expect(t.stderr).toContain('leaving out column employee_id');
    }
    const [plain, balanced] = await Promise.all(['plain.json', 'balanced.json'].map(async (m) => {
      const r = await runCli(['evaluate', '--model', m, '--data', 'test.csv', '--json'], dir);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    }));

    const model = parseModel(JSON.parse(readFileSync(join(dir, 'plain.json'), 'utf8')));
    expect(model.training?.classWeight).toBeUndefined();
    expect(JSON.parse(readFileSync(join(dir, 'balanced.json'), 'utf8')).training.classWeight).toBe('balanced');
    const names = header.split(',');
    const trainRecords = records(train, names);
    const testRecords = records(test, names);
    const Xtr = encodeRecords(model.inputs, trainRecords);
    const Xte = encodeRecords(model.inputs, testRecords);
    const ytr = Float64Array.from(trainRecords, (r) => Number(r.is_promoted));
    const yte = Float64Array.from(testRecords, (r) => Number(r.is_promoted));
    const beta = logisticRegression(Xtr.X, ytr, Xtr.n, Xtr.width);
    const scores = Float64Array.from({ length: Xte.n }, (_, i) => {
      let z = beta[0];
      for (let j = 0; j < Xte.width; j++) z += beta[j + 1] * Xte.X[i * Xte.width + j];
      return z;
    });
    const baseline = pairAuc(scores, yte);

    expect(plain.rows).toBe(test.length);
    expect(baseline).toBeGreaterThan(0.8);
    expect(Math.abs(plain.rocAuc - baseline), `chainrule ${plain.rocAuc} vs logistic regression ${baseline}`).toBeLessThanOrEqual(0.02);
    expect(Math.abs(balanced.rocAuc - baseline), `balanced ${balanced.rocAuc} vs logistic regression ${baseline}`).toBeLessThanOrEqual(0.02);
    expect(balanced.f1 - plain.f1, `F1 balanced ${balanced.f1} vs plain ${plain.f1}`).toBeGreaterThan(0.1);
    expect(balanced.recall).toBeGreaterThan(plain.recall);
  });
});

describe('evaluate --json on a model worked by hand', () => {
  // One sigmoid unit on the raw input x: ŷ = σ(x); x > 0 is the positive decision at threshold 0.5.
  const model = {
    format: 'chainrule/model', version: 1, inputs: [{ name: 'x', kind: 'numeric' }],
    target: { name: 'y', positive: 'yes' }, layers: [{ activation: 'sigmoid', weights: [[1]], bias: [0] }],
    loss: 'bce', threshold: 0.5,
  };
  const xs = [2, 1, 0.5, -0.5, -1, -2];
  const ys = [1, 0, 1, 1, 0, 0];
  const csv = `x;y\n${xs.map((x, i) => `${x};${ys[i] ? 'yes' : 'no'}`).join('\n')}\n`;

  it('x = [2 1 .5 −.5 −1 −2], y = [1 0 1 1 0 0]: tp 2, fp 1, tn 2, fn 1; AUC 7/9; log loss = mean log(1 + e^{∓x})', async () => {
    const dir = tempDir();
    writeIn(dir, 'm.json', JSON.stringify(model));
    writeIn(dir, 'd.csv', csv);
    const r = await runCli(['evaluate', '--model', 'm.json', '--data', 'd.csv', '--json'], dir);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['rows', 'accuracy', 'precision', 'recall', 'f1', 'rocAuc', 'logLoss', 'threshold', 'confusion']);
    expect(doc.confusion).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1 });
    expect(doc.rows).toBe(6);
    expect(doc.threshold).toBe(0.5);
    expect(doc.accuracy).toBeCloseTo(4 / 6, 12);
    expect(doc.precision).toBeCloseTo(2 / 3, 12);
    expect(doc.recall).toBeCloseTo(2 / 3, 12);
    expect(doc.f1).toBeCloseTo(2 / 3, 12);
    expect(doc.rocAuc).toBeCloseTo(7 / 9, 12);
    const expected = xs.reduce((s, x, i) => s + Math.log1p(Math.exp(ys[i] ? -x : x)), 0) / 6;
    expect(doc.logLoss).toBeCloseTo(expected, 12);
  });

  it('--threshold 0.7 (x > 0.847): tp 1, fp 1, tn 2, fn 2; one class only gives rocAuc null and a warning', async () => {
    const dir = tempDir();
    writeIn(dir, 'm.json', JSON.stringify(model));
    writeIn(dir, 'd.csv', csv);
    writeIn(dir, 'one.csv', 'x,y\n1,yes\n2,yes\n');
    const r = await runCli(['evaluate', '--model', 'm.json', '--data', 'd.csv', '--json', '--threshold', '0.7'], dir);
    const doc = JSON.parse(r.stdout);
    expect(doc.threshold).toBe(0.7);
    expect(doc.confusion).toEqual({ tp: 1, fp: 1, tn: 2, fn: 2 });
    const one = await runCli(['evaluate', '--model', 'm.json', '--data', 'one.csv', '--json'], dir);
    expect(one.status).toBe(0);
    expect(JSON.parse(one.stdout).rocAuc).toBeNull();
    expect(one.stderr).toContain('one.csv: only one class in y; ROC AUC is undefined');
  });
});
