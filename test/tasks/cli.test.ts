/**
 * Multiclass and regression through every command of the built CLI (train, predict, evaluate,
 * explain) and HTTP, on the bundled data/level.csv and data/salary.csv. The ceilings are
 * recomputed here from data/README.md's generating rules on fresh generator samples (the rules
 * are written out below, not imported), so the accuracy and R² bounds are against the truth.
 * Bad input is an exit-2 one-liner naming the flag, row or column.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, REPO, runCliAsync, tempDir } from '../cli/helpers.js';
import { buildApp } from '../../src/server/app.js';
import { loadModel } from '../../src/model/file.js';

const LEVEL = join(REPO, 'data/level.csv');
const SALARY = join(REPO, 'data/salary.csv');
// Not --quiet: that drops the notice of the task auto chose, which these tests read.
const FIT = ['--layers', '16', '--activation', 'tanh', '--optimizer', 'adam', '--lr', '0.01'];

/** data/README.md's level rule. */
function levelRule(years: number, score: number): string {
  if (years >= 10 && score >= 80) return 'lead';
  if (years >= 4 && score >= 65) return 'senior';
  return 'none';
}

/** data/README.md's smooth salary f. */
function salaryMean(years: number, score: number, department: string): number {
  const base: Record<string, number> = { Engineering: 62000, Sales: 48000, Operations: 42000, Support: 36000 };
  return base[department] + 45000 * (1 - Math.exp(-years / 7)) + 600 * (score - 70) + 30 * years * (score - 70);
}

function csvRows(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = head.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])));
}

let dir: string;
const run = (args: string[]) => runCliAsync(args, dir);

beforeAll(async () => {
  assertBuilt();
  dir = tempDir();
  const results = await Promise.all([
    run(['train', '--data', LEVEL, ...FIT, '--epochs', '150', '--out', 'level.json']),
    run(['train', '--data', SALARY, ...FIT, '--epochs', '200', '--out', 'salary.json']),
    run(['gen-data', '--schema', 'level', '--rows', '4000', '--seed', '7', '--out', 'level-test.csv']),
    run(['gen-data', '--schema', 'salary', '--rows', '4000', '--seed', '7', '--out', 'salary-test.csv']),
  ]);
  for (const r of results) expect(r.status, r.stderr).toBe(0);
  (globalThis as { trainStderr?: string[] }).trainStderr = results.slice(0, 2).map((r) => r.stderr);
}, 120_000);

const stderrOf = (i: number) => ((globalThis as { trainStderr?: string[] }).trainStderr as string[])[i];

describe('multiclass: data/level.csv', () => {
  it('train --task auto says multiclass and why, prints per-class counts, and writes a version-2 softmax model', () => {
    expect(stderrOf(0)).toContain('task: multiclass (column level has non-numeric values');
    expect(stderrOf(0)).toMatch(/classes \(training rows\): lead 380, none 1039, senior 581/);
    const model = JSON.parse(readFileSync(join(dir, 'level.json'), 'utf8'));
    expect(model.version).toBe(2);
    expect(model.task).toBe('multiclass');
    expect(model.target).toEqual({ name: 'level', classes: ['lead', 'none', 'senior'] });
    expect(model.loss).toBe('cross_entropy');
    expect(model.threshold).toBeUndefined();
    const out = model.layers[model.layers.length - 1];
    expect(out.activation).toBe('softmax');
    expect(out.weights.length).toBe(3);
  });

  it('accuracy on 4,000 fresh generator rows is within 3 points of their Bayes rate (the rule, recomputed here)', async () => {
    const rows = csvRows(join(dir, 'level-test.csv'));
    const bayes = rows.filter((r) => levelRule(Number(r.years_experience), Number(r.performance_score)) === r.level).length / rows.length;
    const r = await run(['evaluate', '--model', 'level.json', '--data', 'level-test.csv', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(bayes).toBeGreaterThan(0.88);
    expect(Math.abs(e.accuracy - bayes), `accuracy ${e.accuracy} vs Bayes ${bayes}`).toBeLessThanOrEqual(0.03);
  });

  it('evaluate --json: per-class precision/recall/F1/support and the averages agree with the confusion matrix', async () => {
    const r = await run(['evaluate', '--model', 'level.json', '--data', LEVEL, '--json']);
    const e = JSON.parse(r.stdout);
    expect(Object.keys(e)).toEqual(['rows', 'accuracy', 'macroF1', 'weightedF1', 'logLoss', 'classes', 'perClass', 'confusion']);
    const m: number[][] = e.confusion;
    expect(m.flat().reduce((a, b) => a + b, 0)).toBe(2000);
    expect(e.accuracy).toBeCloseTo((m[0][0] + m[1][1] + m[2][2]) / 2000, 12);
    e.perClass.forEach((c: { class: string; precision: number; recall: number; f1: number; support: number }, i: number) => {
      const support = m[i].reduce((a, b) => a + b, 0);
      const predicted = m.reduce((a, row) => a + row[i], 0);
      expect(c.class).toBe(e.classes[i]);
      expect(c.support).toBe(support);
      expect(c.recall).toBeCloseTo(m[i][i] / support, 12);
      expect(c.precision).toBeCloseTo(m[i][i] / predicted, 12);
      expect(c.f1).toBeCloseTo((2 * c.precision * c.recall) / (c.precision + c.recall), 12);
    });
    expect(e.macroF1).toBeCloseTo(e.perClass.reduce((a: number, c: { f1: number }) => a + c.f1, 0) / 3, 12);
    expect(e.weightedF1).toBeCloseTo(e.perClass.reduce((a: number, c: { f1: number; support: number }) => a + c.f1 * c.support, 0) / 2000, 12);
    const text = await run(['evaluate', '--model', 'level.json', '--data', LEVEL]);
    expect(text.stdout).toMatch(/precision\s+recall\s+f1\s+support/);
    expect(text.stdout).toMatch(/macro avg/);
    expect(text.stdout).toMatch(/weighted avg/);
    expect(text.stdout).toContain('confusion (rows: actual, columns: predicted)');
  });

  it('predict --json: every class\'s probability (summing to 1) and the most probable as label; the log loss is their mean −log p_y', async () => {
    const r = await run(['predict', '--model', 'level.json', '--data', LEVEL, '--json']);
    const { predictions } = JSON.parse(r.stdout);
    const rows = csvRows(LEVEL);
    expect(predictions.length).toBe(2000);
    let logLoss = 0;
    predictions.forEach((p: { probabilities: Record<string, number>; label: string }, i: number) => {
      const entries = Object.entries(p.probabilities);
      expect(entries.map(([c]) => c)).toEqual(['lead', 'none', 'senior']);
      expect(Math.abs(entries.reduce((a, [, v]) => a + v, 0) - 1)).toBeLessThan(1e-12);
      expect(p.label).toBe(entries.reduce((best, e) => (e[1] > best[1] ? e : best))[0]);
      logLoss -= Math.log(p.probabilities[rows[i].level]) / 2000;
    });
    const e = JSON.parse((await run(['evaluate', '--model', 'level.json', '--data', LEVEL, '--json'])).stdout);
    expect(e.logLoss).toBeCloseTo(logLoss, 9);
  });

  it('explain --target <class>: the output bias factors are ŷₖ − yₖ, a hidden unit sums δ over the 3 outputs, finite differences agree', async () => {
    const input = '{"years_experience": 12, "performance_score": 85}';
    const r = await run(['explain', '--model', 'level.json', '--input', input, '--target', 'lead', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc.prediction)).toEqual(['lead', 'none', 'senior']);
    expect(doc.target).toBe('lead');
    expect(doc.loss).toBeCloseTo(-Math.log(doc.prediction.lead), 12);
    expect(doc.check.maxAbsDiff).toBeLessThan(1e-6);
    const classes = ['lead', 'none', 'senior'];
    classes.forEach((c, k) => {
      const bias = doc.factors.find((f: { param: string }) => f.param === `layers[1].bias[${k}]`);
      expect(bias.gradient).toBeCloseTo(doc.prediction[c] - (c === 'lead' ? 1 : 0), 12);
      expect(bias.product).toBeCloseTo(bias.gradient, 12);
    });
    const hidden = doc.factors.find((f: { param: string }) => f.param === 'layers[0].bias[0]');
    expect(hidden.terms[0].sum).toHaveLength(3);
    expect(hidden.product).toBeCloseTo(hidden.gradient, 12);
    for (const input of doc.inputs) if (input.kind === 'numeric' && input.counterfactual.found) expect(input.counterfactual.sentence).toMatch(/^classified as (none|senior) at /);
    const bad = await run(['explain', '--model', 'level.json', '--input', input, '--target', 'boss']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('chainrule: --target must be one of the classes lead, none, senior, got boss');
  });

  it('HTTP /predict and /explain answer the CLI\'s documents', async () => {
    const model = loadModel(join(dir, 'level.json'));
    const app = buildApp({ model });
    try {
      const row = { years_experience: 5, performance_score: 70 };
      const predict = await app.inject({ method: 'POST', url: '/predict', payload: { rows: [row] } });
      const cli = JSON.parse((await run(['predict', '--model', 'level.json', '--input', JSON.stringify(row), '--json'])).stdout);
      expect(predict.json()).toEqual(cli);
      const explain = await app.inject({ method: 'POST', url: '/explain', payload: { input: row, target: 'senior' } });
      const cliExplain = JSON.parse((await run(['explain', '--model', 'level.json', '--input', JSON.stringify(row), '--target', 'senior', '--json'])).stdout);
      expect(explain.json()).toEqual(cliExplain);
      const bad = await app.inject({ method: 'POST', url: '/explain', payload: { input: row, target: 1 } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ field: 'target', error: 'target: must be one of the classes lead, none, senior, got 1' });
    } finally {
      await app.close();
    }
  });
});

describe('regression: data/salary.csv', () => {
  it('train says regression and why, standardises the target and writes one linear unit with mse', () => {
    expect(stderrOf(1)).toContain('task: regression (column salary is numeric');
    const model = JSON.parse(readFileSync(join(dir, 'salary.json'), 'utf8'));
    expect(model.task).toBe('regression');
    const y = csvRows(SALARY).map((r) => Number(r.salary));
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const std = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length);
    expect(model.target.name).toBe('salary');
    expect(model.target.mean).toBeCloseTo(mean, 6);
    expect(model.target.std).toBeCloseTo(std, 6);
    expect(model.loss).toBe('mse');
    expect(model.layers[model.layers.length - 1]).toMatchObject({ activation: 'linear' });
  });

  it('R² on 4,000 fresh generator rows is within 0.02 of their noise ceiling (f recomputed here); MSE, RMSE, MAE in raw units from predict', async () => {
    const rows = csvRows(join(dir, 'salary-test.csv'));
    const y = rows.map((r) => Number(r.salary));
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const total = y.reduce((a, b) => a + (b - mean) ** 2, 0);
    const noise = rows.reduce((a, r, i) => a + (y[i] - salaryMean(Number(r.years_experience), Number(r.performance_score), r.department)) ** 2, 0);
    const ceiling = 1 - noise / total;
    const e = JSON.parse((await run(['evaluate', '--model', 'salary.json', '--data', 'salary-test.csv', '--json'])).stdout);
    expect(Object.keys(e)).toEqual(['rows', 'mse', 'rmse', 'mae', 'r2']);
    expect(ceiling).toBeGreaterThan(0.9);
    expect(Math.abs(e.r2 - ceiling), `R² ${e.r2} vs ceiling ${ceiling}`).toBeLessThanOrEqual(0.02);
    const { predictions } = JSON.parse((await run(['predict', '--model', 'salary.json', '--data', 'salary-test.csv', '--json'])).stdout);
    const values = predictions.map((p: { value: number }) => p.value);
    const mse = values.reduce((a: number, v: number, i: number) => a + (v - y[i]) ** 2, 0) / y.length;
    const mae = values.reduce((a: number, v: number, i: number) => a + Math.abs(v - y[i]), 0) / y.length;
    expect(e.mse).toBeCloseTo(mse, 3);
    expect(e.rmse).toBeCloseTo(Math.sqrt(mse), 6);
    expect(e.mae).toBeCloseTo(mae, 6);
    expect(e.r2).toBeCloseTo(1 - (mse * y.length) / total, 12);
  });

  it('explain --target in raw units: the loss is on the standardised scale and ∂L/∂ŷ = 2(ŷ − y); "reaches V at …"', async () => {
    const model = JSON.parse(readFileSync(join(dir, 'salary.json'), 'utf8'));
    const input = '{"years_experience": 6, "performance_score": 75, "department": "Sales"}';
    const r = await run(['explain', '--model', 'salary.json', '--input', input, '--target', '90000', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const out = (doc.prediction - model.target.mean) / model.target.std;
    const t = (90000 - model.target.mean) / model.target.std;
    expect(doc.loss).toBeCloseTo((out - t) ** 2, 10);
    const last = model.layers.length - 1;
    const bias = doc.factors.find((f: { param: string }) => f.param === `layers[${last}].bias[0]`);
    expect(bias.terms[0].value).toBeCloseTo(2 * (out - t), 10);
    expect(bias.gradient).toBeCloseTo(2 * (out - t), 10);
    expect(doc.check.maxAbsDiff).toBeLessThan(1e-6);
    const years = doc.inputs.find((i: { name: string }) => i.name === 'years_experience');
    if (years.counterfactual.found) expect(years.counterfactual.sentence).toMatch(/^reaches 90000 at years_experience = /);
  });
});

describe('bad input: exit 2, one line naming the flag, row or column', () => {
  afterAll(() => undefined);
  it.each([
    ['--task multiclass on a two-valued target', ['--data', join(REPO, 'data/promotion.csv'), '--task', 'multiclass'],
      /^chainrule: --task multiclass needs a target with at least three values; column promoted has 2 \("1", "0"\)/],
    ['--positive with multiclass', ['--data', LEVEL, '--positive', 'lead'], /^chainrule: --positive is only for a binary target; the task is multiclass$/],
    ['--loss bce with regression', ['--data', SALARY, '--loss', 'bce'], /^chainrule: --loss bce does not fit the regression task; use mse or huber$/],
    ['a text value in a regression target', ['--data', 'text.csv', '--task', 'regression'], /^chainrule: text\.csv: row 4, column y: a regression target must be a number, got "lots"$/],
    ['a class with a single row', ['--data', 'single.csv'], /^chainrule: single\.csv: row 5, column y: class "c" has a single row; each class needs at least 2 rows/],
  ])('%s', async (_name, args, message) => {
    writeFileSync(join(dir, 'text.csv'), 'x,y\n1,10\n2,20.5\nz,lots\n4,40\n'.replace('z,', '3,'));
    writeFileSync(join(dir, 'single.csv'), 'x,y\n1,a\n2,b\n3,a\n4,c\n5,b\n');
    const r = await run(['train', '--epochs', '2', '--quiet', '--out', 'bad.json', ...args]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});

describe('version-1 files keep loading as binary', () => {
  it('the checked-in version-1 server fixture predicts { probability, label } with label 1/0', async () => {
    const fixture = join(REPO, 'test/server/fixtures/promotion-2-2-1.json');
    expect(JSON.parse(readFileSync(fixture, 'utf8')).version).toBe(1);
    const r = await run(['predict', '--model', fixture, '--input', '{"years_experience": 12, "performance_score": 90, "department": "Sales"}', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const [p] = JSON.parse(r.stdout).predictions;
    expect(Object.keys(p)).toEqual(['probability', 'label']);
    expect([0, 1]).toContain(p.label);
    expect(p.label).toBe(p.probability > 0.5 ? 1 : 0);
  });
});
