/**
 * Model file version 2 per task (src/model/schema.ts), the library's `train` with `task`, the
 * `--init` rules (task and encoders from the model, never recomputed) and cv per task.
 */
import { describe, expect, it } from 'vitest';
import { parseModel, taskOf } from '../../src/model/schema.js';
import { OptionsError } from '../../src/errors.js';
import { tableFromRows } from '../../src/data/csv.js';
import { trainModel } from '../../src/app/train-model.js';
import { crossValidate } from '../../src/app/cross-validate.js';
import { predictRecords } from '../../src/app/predict.js';

/** A table from records, as a CSV file of them would read. */
function tableOf(records: Record<string, string>[], file: string) {
  const header = Object.keys(records[0]);
  return tableFromRows(file, header, records.map((r) => header.map((h) => r[h])));
}

const layer = (activation: string, weights: number[][], bias: number[]) => ({ activation, weights, bias });

const multiclass = () => ({
  format: 'chainrule/model', version: 2, task: 'multiclass',
  inputs: [{ name: 'x', kind: 'numeric' }],
  target: { name: 'y', classes: ['a', 'b', 'c'] },
  layers: [layer('softmax', [[1], [0], [-1]], [0, 0, 0])],
  loss: 'cross_entropy',
});

const regression = () => ({
  format: 'chainrule/model', version: 2, task: 'regression',
  inputs: [{ name: 'x', kind: 'numeric' }],
  target: { name: 'y', mean: 10, std: 2 },
  layers: [layer('linear', [[3]], [1])],
  loss: 'mse',
});

describe('model file version 2', () => {
  it('a hand-written multiclass model predicts softmax probabilities in classes order', () => {
    const model = parseModel(multiclass());
    expect(taskOf(model)).toBe('multiclass');
    const [p] = predictRecords(model, [{ x: 2 }]) as { probabilities: Record<string, number>; label: string }[];
    const e = [Math.exp(2), 1, Math.exp(-2)];
    const s = e[0] + e[1] + e[2];
    expect(p.probabilities.a).toBeCloseTo(e[0] / s, 15);
    expect(p.probabilities.c).toBeCloseTo(e[2] / s, 15);
    expect(p.label).toBe('a');
  });

  it('a regression model maps its output back: value = (3x + 1)·std + mean; without mean/std the output is the value', () => {
    const [p] = predictRecords(parseModel(regression()), [{ x: 2 }]) as { value: number }[];
    expect(p.value).toBe((3 * 2 + 1) * 2 + 10);
    const raw = regression();
    raw.target = { name: 'y' } as typeof raw.target;
    expect((predictRecords(parseModel(raw), [{ x: 2 }]) as { value: number }[])[0].value).toBe(7);
  });

  it.each([
    ['no task', (m: Record<string, unknown>) => { delete m.task; }, 'task: must be one of binary, multiclass, regression, got nothing'],
    ['an unknown task', (m: Record<string, unknown>) => { m.task = 'ranking'; }, 'task: must be one of binary, multiclass, regression, got "ranking"'],
    ['two outputs for three classes', (m: Record<string, unknown>) => { m.layers = [layer('softmax', [[1], [0]], [0, 0])]; },
      'layers[0].weights: the output layer must have 3 units (one per class in target.classes), got 2'],
    ['a sigmoid output', (m: Record<string, unknown>) => { m.layers = [layer('sigmoid', [[1], [0], [1]], [0, 0, 0])]; },
      'layers[0].activation: a multiclass model\'s output must be "softmax", got "sigmoid"'],
    ['loss bce', (m: Record<string, unknown>) => { m.loss = 'bce'; }, 'loss: a multiclass model\'s loss must be one of cross_entropy, got "bce"'],
    ['repeated classes', (m: Record<string, unknown>) => { m.target = { name: 'y', classes: ['a', 'a', 'c'] }; }, 'target.classes: classes must be distinct'],
  ])('a multiclass file with %s is refused naming the field', (_name, mutate, message) => {
    const m = multiclass() as Record<string, unknown>;
    mutate(m);
    expect(() => parseModel(m)).toThrow(message);
  });

  it.each([
    ['mean without std', (m: Record<string, unknown>) => { m.target = { name: 'y', mean: 1 }; }, 'target: mean and std go together'],
    ['a softmax hidden layer', (m: Record<string, unknown>) => { m.layers = [layer('softmax', [[1], [1]], [0, 0]), layer('linear', [[1, 1]], [0])]; },
      'layers[0].activation: "softmax" is only an output activation'],
    ['loss cross_entropy', (m: Record<string, unknown>) => { m.loss = 'cross_entropy'; }, 'loss: a regression model\'s loss must be one of mse, huber, got "cross_entropy"'],
  ])('a regression file with %s is refused naming the field', (_name, mutate, message) => {
    const m = regression() as Record<string, unknown>;
    mutate(m);
    expect(() => parseModel(m)).toThrow(message);
  });
});

function levelTable(n: number) {
  const rows = Array.from({ length: n }, (_, i) => {
    const x = (i * 37) % 100;
    return { x: String(x), y: x < 30 ? 'low' : x < 70 ? 'mid' : 'high' };
  });
  return tableOf(rows, 'levels.csv');
}

describe('train(table, { task })', () => {
  it('task is validated by name, quoting the value', () => {
    expect(() => trainModel(levelTable(30), { target: 'y', task: 'ranking' as never })).toThrow(OptionsError);
    expect(() => trainModel(levelTable(30), { target: 'y', task: 'ranking' as never })).toThrow('task must be one of auto, binary, multiclass, regression, got "ranking"');
  });

  it('auto picks multiclass for text classes, sorted; --init keeps that model\'s class order and refuses a --task that disagrees', () => {
    const notes: string[] = [];
    const { model, task } = trainModel(levelTable(60), { target: 'y', hidden: [4], epochs: 5, notify: (m) => notes.push(m) });
    expect(task.task).toBe('multiclass');
    expect(notes.some((m) => m.startsWith('task: multiclass'))).toBe(true);
    expect(model.task === 'multiclass' && model.target.classes).toEqual(['high', 'low', 'mid']);
    const reordered = { ...model, target: { name: 'y', classes: ['mid', 'high', 'low'] } } as typeof model;
    const again = trainModel(levelTable(60), { target: 'y', init: reordered, epochs: 2 });
    expect(again.model.task === 'multiclass' && again.model.target.classes).toEqual(['mid', 'high', 'low']);
    expect(() => trainModel(levelTable(60), { target: 'y', init: reordered, task: 'regression' }))
      .toThrow('--task regression disagrees with the --init model, whose task is multiclass');
  });

  it('class weights are n/(k·n_c): a 3-class run with balanced weights records them and trains', () => {
    const { model } = trainModel(levelTable(60), { target: 'y', hidden: [3], epochs: 3, classWeight: 'balanced' });
    expect(model.training?.classWeight).toBe('balanced');
  });

  it('regression: standardised by default with the training rows\' mean/std; standardize false leaves the target raw', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ x: String(i), y: String(3 * i + 5) }));
    const table = tableOf(rows, 'lin.csv');
    const standard = trainModel(table, { target: 'y', hidden: [2], epochs: 2 }).model;
    expect(standard.task).toBe('regression');
    const ys = rows.map((r) => Number(r.y));
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    expect(standard.task === 'regression' && standard.target.mean).toBeCloseTo(mean, 12);
    const raw = trainModel(table, { target: 'y', hidden: [2], epochs: 2, standardize: false }).model;
    expect(raw.target).toEqual({ name: 'y' });
  });
});

describe('cv per task', () => {
  it('multiclass folds are stratified and scored per class; regression folds are plain K-fold with mse/r2; rows add up', async () => {
    const mc = await crossValidate(levelTable(60), { folds: 3, train: { target: 'y', hidden: [4], epochs: 20, optimizer: 'adam', lr: 0.05, seed: 1, activation: 'tanh', val: 0, standardize: true, shuffle: true, l2: 0, threshold: 0.5, batchSize: 32 } });
    expect(mc.folds.map((f) => f.rows).reduce((a, b) => a + b, 0)).toBe(60);
    for (const f of mc.folds) expect(Object.keys(f)).toContain('macroF1');
    const rows = Array.from({ length: 45 }, (_, i) => ({ x: String(i % 15), y: String(2 * (i % 15) + (i % 3)) }));
    const rg = await crossValidate(tableOf(rows, 'r.csv'), { folds: 3, train: { target: 'y', hidden: [3], epochs: 10, optimizer: 'adam', lr: 0.05, seed: 1, activation: 'tanh', val: 0, standardize: true, shuffle: true, l2: 0, threshold: 0.5, batchSize: 32 } });
    expect(rg.folds.map((f) => f.rows)).toEqual([15, 15, 15]);
    expect(Object.keys(rg.mean)).toEqual(['rows', 'mse', 'rmse', 'mae', 'r2']);
  });
});
