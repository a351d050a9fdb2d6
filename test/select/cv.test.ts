/**
 * Cross-validation: the folds partition the rows and keep the class mix; each fold is exactly
 * "train on a file of the other rows, evaluate on a file of its rows" through the CLI; mean and
 * std are recomputed here; a problem with a known Bayes rate lands within its noise; the JSON does
 * not depend on --jobs; bad fold counts are one exit-2 line naming --folds.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import { stratifiedFolds } from '../../src/data/folds.js';
import { tableFromRows } from '../../src/data/csv.js';
import { generateSimple } from '../../src/data/generate.js';
import { crossValidate, planFolds, type FoldTrainOptions } from '../../src/app/cross-validate.js';
import { TRAIN_DEFAULTS } from '../../src/app/train-model.js';
import { assertBuilt, removeTempDirs, runCli, runCliAsync, tempDir } from '../cli/helpers.js';

function simpleCsv(rows: number, seed: number, noise: number): { text: string; header: string[]; cells: string[][]; bayes: number } {
  const g = generateSimple(rows, createRng(seed), noise);
  const header = [...g.columns];
  const cells = g.rows.map((r) => [String(r.years_experience), String(r.performance_score), String(r.promoted)]);
  return { text: `${header.join(',')}\n${cells.map((c) => c.join(',')).join('\n')}\n`, header, cells, bayes: g.bayesAccuracy };
}

const trainOptions = (extra: Partial<FoldTrainOptions> = {}): FoldTrainOptions => ({
  ...TRAIN_DEFAULTS, target: 'promoted', hidden: [...TRAIN_DEFAULTS.hidden], epochs: 30, ...extra,
});

describe('stratified folds', () => {
  it('partition 0…n−1, sizes and class counts differ by at most one, and the seed decides them', () => {
    const rng = createRng(4);
    const labels = Float64Array.from({ length: 103 }, () => (rng.next() < 0.3 ? 1 : 0));
    const folds = stratifiedFolds(labels, 7, createRng(1).next);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    const sizes = folds.map((f) => f.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    const positives = folds.map((f) => f.filter((r) => labels[r] === 1).length);
    expect(Math.max(...positives) - Math.min(...positives)).toBeLessThanOrEqual(1);
    for (const f of folds) expect(f).toEqual([...f].sort((a, b) => a - b));
    expect(stratifiedFolds(labels, 7, createRng(1).next)).toEqual(folds);
    expect(stratifiedFolds(labels, 7, createRng(2).next)).not.toEqual(folds);
  });
});

describe('cross-validation in the library', () => {
  it('a problem with a known Bayes rate: the mean held-out accuracy lands within its noise of it', async () => {
    const data = simpleCsv(600, 21, 0.1);
    const table = tableFromRows('simple.csv', data.header, data.cells);
    const cv = await crossValidate(table, {
      folds: 5, train: trainOptions({ hidden: [8], activation: 'tanh', optimizer: 'adam', lr: 0.05, epochs: 80 }),
    });
    // 600 held-out predictions: one standard error of an accuracy near 0.9 is about 0.012.
    const accuracy = cv.mean.accuracy as number;
    expect(accuracy).toBeLessThan(data.bayes + 0.03);
    expect(accuracy).toBeGreaterThan(data.bayes - 0.05);
    expect(cv.folds.reduce((s, f) => s + f.rows, 0)).toBe(600);
  });

  it('mean is the plain mean and std the population std of every numeric key, confusion counts included', async () => {
    const data = simpleCsv(150, 3, 0.1);
    const cv = await crossValidate(tableFromRows('s.csv', data.header, data.cells), { folds: 4, train: trainOptions() });
    expect(cv.folds).toHaveLength(4);
    for (const key of ['rows', 'accuracy', 'precision', 'recall', 'f1', 'rocAuc', 'logLoss', 'threshold'] as const) {
      const xs = cv.folds.map((f) => (f as unknown as Record<string, number>)[key]);
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
      expect(cv.mean[key]).toBeCloseTo(m, 14);
      expect(cv.std[key]).toBeCloseTo(sd, 14);
    }
    const tp = cv.folds.map((f) => (f as unknown as { confusion: { tp: number } }).confusion.tp);
    expect((cv.mean.confusion as { tp: number }).tp).toBeCloseTo(tp.reduce((s, x) => s + x, 0) / 4, 14);
    expect(cv.std.threshold).toBe(0);
  });
});

describe('chainrule cv', () => {
  let dir: string;
  let file: string;
  const data = simpleCsv(120, 8, 0.1);
  beforeAll(() => {
    assertBuilt();
    dir = tempDir();
    file = join(dir, 'simple.csv');
    writeFileSync(file, data.text);
  });
  afterAll(removeTempDirs);

  it('each fold is train on a file of the other rows, evaluate on a file of its own rows (same numbers)', () => {
    const flags = ['--epochs', '20', '--layers', '3', '--seed', '5'];
    const cv = runCli(['cv', '--data', file, '--folds', '3', ...flags, '--json', '--quiet'], dir);
    expect(cv.stderr).toBe('');
    expect(cv.status).toBe(0);
    const doc = JSON.parse(cv.stdout);
    const plan = planFolds(tableFromRows(file, data.header, data.cells), trainOptions({ seed: 5 }), 3);
    plan.folds.forEach((held, i) => {
      const inFold = new Set(held);
      const rows = (keep: (r: number) => boolean) => data.cells.filter((_, r) => keep(r)).map((c) => c.join(','));
      const trainFile = join(dir, `train-${i}.csv`);
      const heldFile = join(dir, `held-${i}.csv`);
      writeFileSync(trainFile, `${data.header.join(',')}\n${rows((r) => !inFold.has(r)).join('\n')}\n`);
      writeFileSync(heldFile, `${data.header.join(',')}\n${rows((r) => inFold.has(r)).join('\n')}\n`);
      const model = join(dir, `m-${i}.json`);
      expect(runCli(['train', '--data', trainFile, ...flags, '--out', model, '--quiet'], dir).status).toBe(0);
      const evaluated = runCli(['evaluate', '--model', model, '--data', heldFile, '--json'], dir);
      expect(JSON.parse(evaluated.stdout)).toEqual(doc.folds[i]);
    });
  });

  it('--jobs 1 and --jobs 2 print the same JSON; so does a second run with the same seed; another seed differs', async () => {
    const args = ['cv', '--data', file, '--folds', '4', '--epochs', '15', '--json', '--quiet'];
    const [one, two, again, other] = await Promise.all([
      runCliAsync([...args, '--jobs', '1'], dir), runCliAsync([...args, '--jobs', '2'], dir),
      runCliAsync([...args, '--jobs', '1'], dir), runCliAsync([...args, '--jobs', '3', '--seed', '7'], dir),
    ]);
    for (const r of [one, two, again, other]) expect(r.status, r.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(again.stdout).toBe(one.stdout);
    expect(other.stdout).not.toBe(one.stdout);
    expect(Object.keys(JSON.parse(one.stdout))).toEqual(['folds', 'mean', 'std']);
  });

  it('a fold that diverges in a worker thread ends the run as in this thread: exit 1, the same one line', async () => {
    const args = ['cv', '--data', file, '--folds', '3', '--lr', '1e308', '--epochs', '3', '--quiet'];
    const [inThread, inWorkers] = await Promise.all([runCliAsync(args, dir), runCliAsync([...args, '--jobs', '2'], dir)]);
    expect(inThread.status).toBe(1);
    expect(inThread.stderr).toMatch(/^chainrule: training diverged at epoch 1: .*try a smaller --lr than 1e\+308\n$/);
    expect(inWorkers.status).toBe(1);
    expect(inWorkers.stderr).toBe(inThread.stderr);
  });

  it.each([
    [['--folds', '1'], /^chainrule: --folds must be at least 2 .*got 1\n$/],
    [['--folds', 'two'], /^chainrule: --folds must be an integer, got two\n$/],
    [['--folds', '70'], /^chainrule: --folds 70 is more than the \d+ rows of class "(1|not 1)" in promoted \(.*simple\.csv\): each fold needs a row of every class\n$/],
    [['--folds', '3', '--grid', 'x'], /unknown option '--grid'/],
  ])('%j is one exit-2 line naming the flag', (extra, message) => {
    const r = runCli(['cv', '--data', file, '--quiet', ...extra], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
