/**
 * Attributions and counterfactuals of a multiclass model (data/level.csv) and a regression model
 * (data/salary.csv), trained by the built CLI: `explain --json` against POST /explain (the same
 * document), Shapley values against a brute-force subset loop written here over raw records (one
 * plain forward pass per row: tanh, softmax, linear, the model file's own weights), integrated
 * gradients' completeness, regression values in raw units, counterfactuals that reach the desired
 * class or range by a plain forward pass, and bad input as exit 2 / 400 naming the field.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { loadModel } from '../../src/model/file.js';
import { assertBuilt, REPO, removeTempDirs, runCliAsync, tempDir } from '../cli/helpers.js';
import { plainEncode, plainForward } from './plain-reference.js';

type Raw = Record<string, number | string>;
interface FileInput { name: string; kind: 'numeric' | 'categorical'; mean?: number; std?: number; categories?: string[] }
interface FileModel {
  inputs: FileInput[];
  layers: { activation: string; weights: number[][]; bias: number[] }[];
  target: { name: string; classes?: string[]; mean?: number; std?: number };
}

/** The output layer for one raw record: the plain encoder and forward pass over the file's weights. */
function forward(model: FileModel, record: Raw): number[] {
  return plainForward(model.layers, plainEncode(model.inputs, record));
}

/** The explained output: P(class) for multiclass, the value in raw units (·std + mean) for regression. */
function output(model: FileModel, record: Raw, className?: string): number {
  const out = forward(model, record);
  if (model.target.classes) return out[model.target.classes.indexOf(className as string)];
  const { mean, std } = model.target;
  return mean !== undefined && std !== undefined ? out[0] * std + mean : out[0];
}

const argmaxClass = (model: FileModel, record: Raw) => {
  const p = forward(model, record);
  return (model.target.classes as string[])[p.indexOf(Math.max(...p))];
};

/**
 * Exact interventional Shapley values by the definition: φᵢ = Σ over S ⊆ N∖{i} of
 * |S|!(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)), v(S) = mean over background rows b of f(x_S, b_rest).
 */
function bruteShapley(model: FileModel, x: Raw, background: readonly Raw[], className?: string): { base: number; values: number[] } {
  const names = model.inputs.map((i) => i.name);
  const n = names.length;
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const v = (mask: number) => {
    let s = 0;
    for (const b of background) {
      const mixed: Raw = {};
      names.forEach((name, i) => { mixed[name] = mask & (1 << i) ? x[name] : b[name]; });
      s += output(model, mixed, className);
    }
    return s / background.length;
  };
  const values = names.map((_name, i) => {
    let phi = 0;
    for (let mask = 0; mask < 1 << n; mask++) {
      if (mask & (1 << i)) continue;
      let size = 0;
      for (let j = 0; j < n; j++) if (mask & (1 << j)) size++;
      phi += (fact(size) * fact(n - size - 1)) / fact(n) * (v(mask | (1 << i)) - v(mask));
    }
    return phi;
  });
  return { base: v(0), values };
}

function csvRecords(path: string, count: number): Raw[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = head.split(',');
  return lines.slice(0, count).map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i], Number.isFinite(Number(cell)) ? Number(cell) : cell])));
}

let dir: string;
const run = (args: string[]) => runCliAsync(args, dir);
const FIT = ['--layers', '12', '--activation', 'tanh', '--optimizer', 'adam', '--lr', '0.01', '--epochs', '80', '--quiet'];
let level: FileModel;
let salary: FileModel;
let levelApp: FastifyInstance;
let salaryApp: FastifyInstance;

beforeAll(async () => {
  assertBuilt();
  dir = tempDir();
  const results = await Promise.all([
    run(['train', '--data', join(REPO, 'data/level.csv'), ...FIT, '--out', 'level.json']),
    run(['train', '--data', join(REPO, 'data/salary.csv'), ...FIT, '--out', 'salary.json']),
  ]);
  for (const r of results) expect(r.status, r.stderr).toBe(0);
  level = JSON.parse(readFileSync(join(dir, 'level.json'), 'utf8'));
  salary = JSON.parse(readFileSync(join(dir, 'salary.json'), 'utf8'));
  levelApp = buildApp({ model: loadModel(join(dir, 'level.json')), modelPath: join(dir, 'level.json') });
  salaryApp = buildApp({ model: loadModel(join(dir, 'salary.json')), modelPath: join(dir, 'salary.json') });
}, 120_000);

afterAll(async () => {
  await Promise.all([levelApp?.close(), salaryApp?.close()]);
  removeTempDirs();
});

/** `explain --json` with these flags, and POST /explain with this body: both documents, which must be equal. */
async function both(app: FastifyInstance, model: string, input: Raw, target: number | string, flags: string[], body: Record<string, unknown>) {
  const cli = await run(['explain', '--model', model, '--input', JSON.stringify(input), '--target', String(target), ...flags, '--json']);
  expect(cli.stderr).toBe('');
  expect(cli.status).toBe(0);
  const http = await app.inject({ method: 'POST', url: '/explain', payload: { input, target, ...body } });
  expect(http.statusCode, http.body).toBe(200);
  const doc = JSON.parse(cli.stdout);
  expect(http.json()).toEqual(doc);
  return doc;
}

/** A bad flag exits 2 with one line naming it; the same mistake over HTTP is a 400 naming the field. */
async function refused(app: FastifyInstance, model: string, input: Raw, target: number | string, flags: string[], body: Record<string, unknown>, flag: string, field: string) {
  const cli = await run(['explain', '--model', model, '--input', JSON.stringify(input), '--target', String(target), ...flags]);
  expect(cli.status, cli.stderr).toBe(2);
  expect(cli.stderr.trim().split('\n')).toHaveLength(1);
  expect(cli.stderr).toContain(flag);
  const http = await app.inject({ method: 'POST', url: '/explain', payload: { input, target, ...body } });
  expect(http.statusCode, http.body).toBe(400);
  expect(http.json().field).toBe(field);
}

const levelInput: Raw = { years_experience: 7, performance_score: 72 };
const salaryInput: Raw = { years_experience: 6, performance_score: 70, department: 'Support' };

describe('multiclass (data/level.csv): attributions per class', () => {
  it('Shapley over 8 background rows: the predicted class by default, the brute-force subset loop to 1e-12, base + Σφ = P(class) within 1e-12', async () => {
    const background = csvRecords(join(REPO, 'data/level.csv'), 8).map(({ years_experience, performance_score }) => ({ years_experience, performance_score }));
    const file = join(dir, 'level-background.csv');
    writeFileSync(file, `years_experience,performance_score\n${background.map((b) => `${b.years_experience},${b.performance_score}`).join('\n')}\n`);
    const doc = await both(levelApp, 'level.json', levelInput, 'senior', ['--attributions', 'shapley', '--background', file], { attributions: 'shapley', background });
    const a = doc.attributions;
    const predicted = argmaxClass(level, levelInput);
    expect(a.output).toBe('probability');
    expect(a.class).toBe(predicted);
    expect(a.exact).toBe(true);
    expect(a.backgroundRows).toBe(8);
    expect(Math.abs(a.prediction - output(level, levelInput, predicted))).toBeLessThan(1e-12);
    const brute = bruteShapley(level, levelInput, background, predicted);
    expect(Math.abs(a.base - brute.base)).toBeLessThan(1e-12);
    a.values.forEach((v: { value: number }, i: number) => expect(Math.abs(v.value - brute.values[i])).toBeLessThan(1e-12));
    const sum = a.values.reduce((s: number, v: { value: number }) => s + v.value, 0);
    expect(Math.abs(a.base + sum - a.prediction)).toBeLessThan(1e-12);
    expect(a.gap).toBeLessThan(1e-12);
  });

  it('--class / "class" explains each class asked for; the classes\' values sum to 0 per input (the probabilities sum to 1)', async () => {
    const baseline = { years_experience: 2, performance_score: 50 };
    const perClass: number[][] = [];
    for (const c of level.target.classes as string[]) {
      const doc = await both(levelApp, 'level.json', levelInput, 'none', ['--attributions', 'shapley', '--baseline', JSON.stringify(baseline), '--class', c], { attributions: 'shapley', baseline, class: c });
      expect(doc.attributions.class).toBe(c);
      const brute = bruteShapley(level, levelInput, [baseline], c);
      doc.attributions.values.forEach((v: { value: number }, i: number) => expect(Math.abs(v.value - brute.values[i])).toBeLessThan(1e-12));
      perClass.push(doc.attributions.values.map((v: { value: number }) => v.value));
    }
    for (let i = 0; i < 2; i++) expect(Math.abs(perClass.reduce((s, values) => s + values[i], 0))).toBeLessThan(1e-12);
  });

  it('integrated gradients of P(lead): completeness below 1e-6, base and prediction by a plain forward pass, conductance sums to each value', async () => {
    const baseline = { years_experience: 2, performance_score: 50 };
    const doc = await both(levelApp, 'level.json', levelInput, 'lead', ['--attributions', 'integrated-gradients', '--baseline', JSON.stringify(baseline), '--class', 'lead'],
      { attributions: 'integrated-gradients', baseline, class: 'lead' });
    const a = doc.attributions;
    expect(a.class).toBe('lead');
    expect(Math.abs(a.base - output(level, baseline, 'lead'))).toBeLessThan(1e-12);
    expect(Math.abs(a.prediction - output(level, levelInput, 'lead'))).toBeLessThan(1e-12);
    const sum = a.values.reduce((s: number, v: { value: number }) => s + v.value, 0);
    expect(Math.abs(sum - (a.prediction - a.base))).toBeLessThan(1e-6);
    expect(a.gap).toBeLessThan(1e-6);
    a.conductance.forEach((c: { units: { value: number }[] }, i: number) => {
      expect(Math.abs(c.units.reduce((s, u) => s + u.value, 0) - a.values[i].value)).toBeLessThan(1e-9);
    });
  });

  it('counterfactuals: by default the nearest change to any other class; --desired-class lead with performance_score immutable and a years range', async () => {
    const current = argmaxClass(level, levelInput);
    const any = await both(levelApp, 'level.json', levelInput, 'none', ['--counterfactuals'], { counterfactuals: {} });
    expect(any.counterfactuals.length).toBeGreaterThan(0);
    for (const cf of any.counterfactuals) {
      const changed = { ...levelInput, ...Object.fromEntries(cf.changes.map((c: { input: string; to: number }) => [c.input, c.to])) };
      const now = argmaxClass(level, changed);
      expect(now).not.toBe(current);
      expect(cf.label).toBe(now);
      expect(Math.abs(cf.prediction - output(level, changed, now))).toBeLessThan(1e-12);
    }
    const lead = await both(levelApp, 'level.json', { years_experience: 7, performance_score: 90 }, 'lead',
      ['--desired-class', 'lead', '--immutable', 'performance_score', '--range', 'years_experience=0:16'],
      { counterfactuals: { desiredClass: 'lead', immutable: ['performance_score'], ranges: { years_experience: [0, 16] } } });
    expect(lead.counterfactuals.length).toBeGreaterThan(0);
    for (const cf of lead.counterfactuals) {
      expect(cf.changes.map((c: { input: string }) => c.input)).toEqual(['years_experience']);
      expect(cf.changes[0].to).toBeGreaterThan(7);
      expect(cf.changes[0].to).toBeLessThanOrEqual(16);
      expect(argmaxClass(level, { years_experience: cf.changes[0].to, performance_score: 90 })).toBe('lead');
      expect(cf.label).toBe('lead');
    }
  });

  it('bad input: an unknown --class / class, an unknown --desired-class / desiredClass, --desired-range on a classifier', async () => {
    await refused(levelApp, 'level.json', levelInput, 'none', ['--attributions', 'shapley', '--class', 'boss'], { attributions: 'shapley', class: 'boss' }, '--class', 'class');
    await refused(levelApp, 'level.json', levelInput, 'none', ['--desired-class', 'boss'], { counterfactuals: { desiredClass: 'boss' } }, '--desired-class', 'desiredClass');
    await refused(levelApp, 'level.json', levelInput, 'none', ['--desired-range', '1:2'], { counterfactuals: { desiredRange: [1, 2] } }, '--desired-range', 'desiredRange');
    const http = await levelApp.inject({ method: 'POST', url: '/explain', payload: { input: levelInput, target: 'none', counterfactuals: { desiredClass: 7 } } });
    expect(http.statusCode).toBe(400);
    expect(http.json()).toMatchObject({ field: 'desiredClass' });
    expect(http.json().error).toContain('lead, none, senior');
  });
});

describe('regression (data/salary.csv): attributions in raw units', () => {
  it('the model standardised its target, so raw units are the network\'s output × std + mean', () => {
    expect(salary.target.std).toBeGreaterThan(1000);
    expect(salary.layers.at(-1)?.activation).toBe('linear');
  });

  it('Shapley over 6 background rows (one categorical input): the brute-force loop in raw units, base + Σφ = the predicted salary', async () => {
    const doc = await both(salaryApp, 'salary.json', salaryInput, 50000, ['--attributions', 'shapley', '--background', join(REPO, 'data/salary.csv'), '--background-size', '6', '--seed', '2'],
      { attributions: 'shapley', background: csvRecords(join(REPO, 'data/salary.csv'), 2000).map(({ salary: _y, ...rest }) => rest), backgroundSize: 6, seed: 2 });
    const a = doc.attributions;
    expect(a.output).toBe('value');
    expect(a.class).toBeUndefined();
    expect(a.backgroundRows).toBe(6);
    const prediction = output(salary, salaryInput);
    const tol = 1e-12 * (salary.target.std as number);
    expect(Math.abs(a.prediction - prediction)).toBeLessThan(tol);
    expect(Math.abs(a.base + a.values.reduce((s: number, v: { value: number }) => s + v.value, 0) - a.prediction)).toBeLessThan(tol);
    // Against the one-baseline case the sampled rows do not matter: check the brute force on a baseline too.
    const baseline = { years_experience: 2, performance_score: 50, department: 'Engineering' };
    const one = await both(salaryApp, 'salary.json', salaryInput, 50000, ['--attributions', 'shapley', '--baseline', JSON.stringify(baseline)], { attributions: 'shapley', baseline });
    const brute = bruteShapley(salary, salaryInput, [baseline]);
    expect(Math.abs(one.attributions.base - brute.base)).toBeLessThan(tol);
    one.attributions.values.forEach((v: { value: number }, i: number) => expect(Math.abs(v.value - brute.values[i])).toBeLessThan(tol));
    // Raw units: in the thousands of currency units, not the standardised target's ones.
    expect(Math.max(...brute.values.map(Math.abs))).toBeGreaterThan(1000);
    // The terminal heading names the target column, and its base line is the document's base.
    const text = await run(['explain', '--model', 'salary.json', '--input', JSON.stringify(salaryInput), '--target', '50000', '--attributions', 'shapley', '--baseline', JSON.stringify(baseline)]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('Shapley values of salary (exact, all coalitions; against one baseline row)');
  });

  it('integrated gradients in raw units: completeness below 1e-6, conductance sums to each value', async () => {
    const baseline = { years_experience: 2, performance_score: 50, department: 'Support' };
    const doc = await both(salaryApp, 'salary.json', salaryInput, 50000, ['--attributions', 'integrated-gradients', '--baseline', JSON.stringify(baseline)],
      { attributions: 'integrated-gradients', baseline });
    const a = doc.attributions;
    const tol = 1e-12 * (salary.target.std as number);
    expect(Math.abs(a.base - output(salary, baseline))).toBeLessThan(tol);
    expect(Math.abs(a.prediction - output(salary, salaryInput))).toBeLessThan(tol);
    const sum = a.values.reduce((s: number, v: { value: number }) => s + v.value, 0);
    expect(Math.abs(sum - (a.prediction - a.base))).toBeLessThan(1e-6);
    expect(a.gap).toBeLessThan(1e-6);
    expect(Math.abs(sum)).toBeGreaterThan(1000);
    a.conductance.forEach((c: { units: { value: number }[] }, i: number) => {
      expect(Math.abs(c.units.reduce((s, u) => s + u.value, 0) - a.values[i].value)).toBeLessThan(1e-6);
    });
  });

  it('counterfactuals into --desired-range / desiredRange (closed and open-ended), department immutable, ranges kept', async () => {
    const now = output(salary, salaryInput);
    expect(now).toBeLessThan(70000);
    const closed = await both(salaryApp, 'salary.json', salaryInput, 50000, ['--desired-range', '70000:80000', '--immutable', 'department', '--range', 'performance_score=40:85'],
      { counterfactuals: { desiredRange: [70000, 80000], immutable: ['department'], ranges: { performance_score: [40, 85] } } });
    expect(closed.counterfactuals.length).toBeGreaterThan(0);
    for (const cf of closed.counterfactuals) {
      const changed = { ...salaryInput, ...Object.fromEntries(cf.changes.map((c: { input: string; to: number }) => [c.input, c.to])) };
      const value = output(salary, changed);
      expect(value).toBeGreaterThanOrEqual(70000);
      expect(value).toBeLessThanOrEqual(80000);
      expect(Math.abs(cf.prediction - value)).toBeLessThan(1e-9 * value);
      expect(cf.label).toBe('salary in [70000, 80000]');
      expect(cf.changes.map((c: { input: string }) => c.input)).not.toContain('department');
      for (const c of cf.changes) if (c.input === 'performance_score') expect(c.to).toBeLessThanOrEqual(85);
    }
    const open = await both(salaryApp, 'salary.json', salaryInput, 50000, ['--desired-range', ':40000', '--max-changes', '1'], { counterfactuals: { desiredRange: [null, 40000], maxChanges: 1 } });
    expect(open.counterfactuals.length).toBeGreaterThan(0);
    for (const cf of open.counterfactuals) {
      const changed = { ...salaryInput, ...Object.fromEntries(cf.changes.map((c: { input: string; to: number | string }) => [c.input, c.to])) };
      expect(output(salary, changed)).toBeLessThanOrEqual(40000);
      expect(cf.label).toBe('salary in [−∞, 40000]');
    }
  });

  it('bad input: --counterfactuals without --desired-range, a malformed range, --class and --desired-class on a regression model', async () => {
    await refused(salaryApp, 'salary.json', salaryInput, 50000, ['--counterfactuals'], { counterfactuals: {} }, '--desired-range', 'desiredRange');
    await refused(salaryApp, 'salary.json', salaryInput, 50000, ['--attributions', 'shapley', '--class', 'lead'], { attributions: 'shapley', class: 'lead' }, '--class', 'class');
    await refused(salaryApp, 'salary.json', salaryInput, 50000, ['--desired-class', 'lead'], { counterfactuals: { desiredClass: 'lead' } }, '--desired-class', 'desiredClass');
    for (const [flag, body] of [['80000', '80000'], ['9:3', [9, 3]], ['a:b', ['a', 'b']], [':', [null, null]]] as const) {
      await refused(salaryApp, 'salary.json', salaryInput, 50000, ['--desired-range', flag], { counterfactuals: { desiredRange: body } }, '--desired-range', 'desiredRange');
    }
    // A range the input is already in: nothing to change, said so.
    const http = await salaryApp.inject({ method: 'POST', url: '/explain', payload: { input: salaryInput, target: 1, counterfactuals: { desiredRange: [0, 1e9] } } });
    expect(http.statusCode).toBe(400);
    expect(http.json().error).toContain('already');
  });
});
