/**
 * `chainrule importance` on all three tasks: a binary (promotion), a multiclass (level) and a
 * regression (salary) model, each trained by the built CLI with an extra pure-noise column, scored
 * on fresh generator rows. The noise column's importance is within 2 std of 0 and the decisive
 * inputs are clearly above; the baselines are the metrics computed here by a plain forward pass
 * (accuracy of the argmax, R², −MSE, −MAE in raw units); partial dependence is per class for
 * multiclass and in raw units for regression; an inapplicable --metric or an unknown --class
 * exits 2 naming the flag and listing the task's choices.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/csv.js';
import { loadModel } from '../../src/model/file.js';
import { importanceForTable } from '../../src/app/importance.js';
import { assertBuilt, REPO, removeTempDirs, runCliAsync, tempDir } from '../cli/helpers.js';

type Raw = Record<string, number | string>;
interface FileModel {
  inputs: { name: string; kind: string; mean?: number; std?: number; categories?: string[] }[];
  layers: { activation: string; weights: number[][]; bias: number[] }[];
  target: { name: string; classes?: string[]; mean?: number; std?: number; positive?: string };
  threshold?: number;
}

/** The output layer for one raw record, by the model file's weights (tanh hidden; sigmoid, softmax or linear output). */
function forward(model: FileModel, record: Raw): number[] {
  let a = model.inputs.flatMap((input) => {
    const v = record[input.name];
    if (input.kind === 'numeric') return [input.mean === undefined ? Number(v) : (Number(v) - input.mean) / (input.std || 1)];
    return (input.categories as string[]).map((c) => (c === v ? 1 : 0));
  });
  for (const l of model.layers) {
    const z = l.weights.map((row, j) => row.reduce((s, w, i) => s + w * a[i], l.bias[j]));
    if (l.activation === 'softmax') {
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      a = e.map((v) => v / e.reduce((s, u) => s + u, 0));
    } else a = z.map((v) => (l.activation === 'tanh' ? Math.tanh(v) : l.activation === 'sigmoid' ? 1 / (1 + Math.exp(-v)) : v));
  }
  return a;
}

const raw = (model: FileModel, out: number[]) => out[0] * (model.target.std ?? 1) + (model.target.mean ?? 0);

function records(path: string): Raw[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = head.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i], Number.isFinite(Number(cell)) ? Number(cell) : cell])));
}

/** The CSV with a `noise` column (uniform 0–100 from a seeded LCG) put before the target, the last column. */
function withNoise(from: string, to: string, seed: number): void {
  const [head, ...lines] = readFileSync(from, 'utf8').trim().split('\n');
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const insert = (line: string, cell: string) => {
    const cells = line.split(',');
    return [...cells.slice(0, -1), cell, cells[cells.length - 1]].join(',');
  };
  writeFileSync(to, `${[insert(head, 'noise'), ...lines.map((l) => insert(l, (100 * uniform()).toFixed(3)))].join('\n')}\n`);
}

let dir: string;
const run = (args: string[]) => runCliAsync(args, dir);
const FIT = ['--layers', '12', '--activation', 'tanh', '--optimizer', 'adam', '--lr', '0.01', '--epochs', '80', '--quiet'];
const TASKS = [
  { task: 'binary', schema: 'simple', data: 'data/promotion.csv', decisive: ['years_experience', 'performance_score'] },
  { task: 'multiclass', schema: 'level', data: 'data/level.csv', decisive: ['years_experience', 'performance_score'] },
  { task: 'regression', schema: 'salary', data: 'data/salary.csv', decisive: ['years_experience', 'performance_score', 'department'] },
] as const;

beforeAll(async () => {
  assertBuilt();
  dir = tempDir();
  const made = await Promise.all(TASKS.map((t) => run(['gen-data', '--schema', t.schema, '--rows', '1500', '--seed', '11', '--out', `${t.task}-fresh.csv`])));
  for (const r of made) expect(r.status, r.stderr).toBe(0);
  TASKS.forEach((t, i) => {
    withNoise(join(REPO, t.data), join(dir, `${t.task}-train.csv`), 100 + i);
    withNoise(join(dir, `${t.task}-fresh.csv`), join(dir, `${t.task}-test.csv`), 200 + i);
  });
  const trained = await Promise.all(TASKS.map((t) => run(['train', '--data', `${t.task}-train.csv`, ...FIT, '--out', `${t.task}.json`])));
  for (const r of trained) expect(r.status, r.stderr).toBe(0);
}, 120_000);

afterAll(() => removeTempDirs());

/** `importance --json` on the task's fresh rows (10 repeats by default; the baseline and curves do not depend on them). */
async function importance(task: string, flags: string[] = [], repeats = 10) {
  const r = await run(['importance', '--model', `${task}.json`, '--data', `${task}-test.csv`, '--repeats', String(repeats), '--seed', '3', ...flags, '--json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

describe('permutation importance on all three tasks (a pure-noise column; 1,500 fresh rows; 10 repeats)', () => {
  for (const t of TASKS) {
    it(`${t.task}: noise within 2 std of 0, ${t.decisive.join(' and ')} clearly above; the document is importanceForTable's`, async () => {
      const doc = await importance(t.task);
      expect(doc.task).toBe(t.task);
      expect(doc.metric).toBe(t.task === 'regression' ? 'r2' : 'accuracy');
      const expected = importanceForTable(loadModel(join(dir, `${t.task}.json`)), await readTable(join(dir, `${t.task}-test.csv`)), { repeats: 10, seed: 3 });
      expect(doc).toEqual(JSON.parse(JSON.stringify(expected)));
      const byName = Object.fromEntries(doc.importances.map((i: { input: string }) => [i.input, i]));
      const noise = byName.noise;
      expect(Math.abs(noise.mean)).toBeLessThanOrEqual(2 * noise.std + 1e-12);
      for (const name of t.decisive) {
        const d = byName[name];
        expect(d.mean, `${name}: ${d.mean} ± ${d.std}`).toBeGreaterThan(0.02);
        expect(d.mean - 2 * d.std).toBeGreaterThan(Math.abs(noise.mean) + 2 * noise.std);
      }
    });
  }

  it('the baselines are the metrics by a plain forward pass: binary accuracy at the threshold, multiclass accuracy of the argmax, R², −MSE and −MAE in raw units', async () => {
    const models = Object.fromEntries(TASKS.map((t) => [t.task, JSON.parse(readFileSync(join(dir, `${t.task}.json`), 'utf8')) as FileModel]));
    const rows = Object.fromEntries(TASKS.map((t) => [t.task, records(join(dir, `${t.task}-test.csv`))]));
    const b = models.binary;
    const binaryAccuracy = rows.binary.filter((r) => (forward(b, r)[0] > (b.threshold as number) ? 1 : 0) === Number(r.promoted)).length / rows.binary.length;
    expect(Math.abs((await importance('binary', [], 1)).baseline - binaryAccuracy)).toBeLessThan(1e-15);
    const m = models.multiclass;
    const classes = m.target.classes as string[];
    const multiAccuracy = rows.multiclass.filter((r) => {
      const p = forward(m, r);
      return classes[p.indexOf(Math.max(...p))] === r.level;
    }).length / rows.multiclass.length;
    expect(Math.abs((await importance('multiclass', [], 1)).baseline - multiAccuracy)).toBeLessThan(1e-15);
    const s = models.regression;
    const y = rows.regression.map((r) => Number(r.salary));
    const p = rows.regression.map((r) => raw(s, forward(s, r)));
    const mean = y.reduce((a, v) => a + v, 0) / y.length;
    const sse = y.reduce((a, v, i) => a + (v - p[i]) ** 2, 0);
    const r2 = 1 - sse / y.reduce((a, v) => a + (v - mean) ** 2, 0);
    const mae = y.reduce((a, v, i) => a + Math.abs(v - p[i]), 0) / y.length;
    expect(Math.abs((await importance('regression', [], 1)).baseline - r2)).toBeLessThan(1e-9);
    const mse = await importance('regression', ['--metric', 'neg-mse'], 2);
    expect(mse.metric).toBe('neg-mse');
    expect(Math.abs(mse.baseline - -sse / y.length) / (sse / y.length)).toBeLessThan(1e-9);
    const negMae = await importance('regression', ['--metric', 'neg-mae'], 2);
    expect(Math.abs(negMae.baseline - -mae) / mae).toBeLessThan(1e-9);
    // A negated error rises when the model gets worse, so the drop is positive for a decisive input.
    for (const doc of [mse, negMae]) {
      expect(doc.baseline).toBeLessThan(0);
      expect(doc.importances.find((i: { input: string }) => i.input === 'performance_score').mean).toBeGreaterThan(0);
    }
    const logLoss = await importance('multiclass', ['--metric', 'neg-log-loss'], 1);
    const plainLoss = rows.multiclass.reduce((a, r) => a - Math.log(Math.max(forward(m, r)[classes.indexOf(r.level as string)], 1e-15)), 0) / rows.multiclass.length;
    expect(Math.abs(logLoss.baseline - -plainLoss)).toBeLessThan(1e-12);
  });

  it('partial dependence: per input and class for multiclass (--class keeps one), raw units for regression, each average a plain forward mean', async () => {
    const m = JSON.parse(readFileSync(join(dir, 'multiclass.json'), 'utf8')) as FileModel;
    const rows = records(join(dir, 'multiclass-test.csv'));
    const all = await importance('multiclass', [], 1);
    expect(all.output).toBe('probability');
    expect(all.partialDependence.map((pd: { input: string; class: string }) => `${pd.input}:${pd.class}`)).toEqual([
      'years_experience:lead', 'years_experience:none', 'years_experience:senior',
      'performance_score:lead', 'performance_score:none', 'performance_score:senior',
      'noise:lead', 'noise:none', 'noise:senior',
    ]);
    const lead = await importance('multiclass', ['--class', 'lead'], 1);
    expect(lead.partialDependence.map((pd: { class: string }) => pd.class)).toEqual(['lead', 'lead', 'lead']);
    expect(lead.partialDependence[0]).toEqual(all.partialDependence[0]);
    const pd = lead.partialDependence.find((c: { input: string }) => c.input === 'years_experience');
    const j = 13;
    const plain = rows.reduce((a, r) => a + forward(m, { ...r, years_experience: pd.grid[j] })[0], 0) / rows.length;
    expect(Math.abs(pd.average[j] - plain)).toBeLessThan(1e-9);
    // Seniority rules: P(lead) grows with years.
    expect(pd.average.at(-1)).toBeGreaterThan(pd.average[0] + 0.1);

    const s = JSON.parse(readFileSync(join(dir, 'regression.json'), 'utf8')) as FileModel;
    const salaryRows = records(join(dir, 'regression-test.csv'));
    const reg = await importance('regression', [], 1);
    expect(reg.output).toBe('value');
    expect(reg.partialDependence.map((c: { input: string }) => c.input)).toEqual(['years_experience', 'performance_score', 'noise']);
    expect(reg.partialDependence[0].class).toBeUndefined();
    const score = reg.partialDependence[1];
    const plainSalary = salaryRows.reduce((a, r) => a + raw(s, forward(s, { ...r, performance_score: score.grid[5] })), 0) / salaryRows.length;
    expect(Math.abs(score.average[5] - plainSalary) / plainSalary).toBeLessThan(1e-12);
    expect(score.average.at(-1) - score.average[0]).toBeGreaterThan(10000);
  });

  it('an inapplicable --metric exits 2 naming --metric and listing the task\'s choices; so does an unknown --class', async () => {
    const cases: [string, string[], RegExp][] = [
      ['regression', ['--metric', 'accuracy'], /^chainrule: --metric: .*regression.*auto, r2, neg-mse, neg-mae.*"accuracy"/],
      ['multiclass', ['--metric', 'r2'], /^chainrule: --metric: .*multiclass.*auto, accuracy, neg-log-loss.*"r2"/],
      ['multiclass', ['--metric', 'roc-auc'], /--metric: .*"roc-auc"/],
      ['binary', ['--metric', 'neg-mse'], /^chainrule: --metric: .*binary.*auto, accuracy, roc-auc, neg-log-loss/],
      ['multiclass', ['--class', 'boss'], /^chainrule: --class: .*lead, none, senior.*"boss"/],
      ['regression', ['--class', 'lead'], /^chainrule: --class: .*multiclass/],
    ];
    for (const [task, flags, message] of cases) {
      const r = await run(['importance', '--model', `${task}.json`, '--data', `${task}-test.csv`, ...flags]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
