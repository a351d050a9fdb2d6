/**
 * Hyper-parameter search: on XOR-like data only a hidden layer with a usable learning rate can
 * win, and tune must find it; each trial's numbers are `cv`'s for that setting; --out is `train`
 * with the best flags, byte for byte; random search draws distinct grid points with the seed;
 * grid mistakes are one exit-2 line naming the flag.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import { gridPoints, randomPoints } from '../../src/app/tune.js';
import { assertBuilt, removeTempDirs, runCli, runCliAsync, tempDir } from '../cli/helpers.js';

/** y = [a·b > 0] with 5% of labels flipped: no straight line separates it. */
function xorCsv(rows: number, seed: number): string {
  const rng = createRng(seed);
  const lines = ['a,b,y'];
  for (let i = 0; i < rows; i++) {
    const a = 2 * rng.next() - 1;
    const b = 2 * rng.next() - 1;
    let y = a * b > 0 ? 1 : 0;
    if (rng.next() < 0.05) y = 1 - y;
    lines.push(`${a.toFixed(3)},${b.toFixed(3)},${y}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('grid and random points', () => {
  const space: [string, unknown[]][] = [['layers', [[2], [4, 8]]], ['lr', [0.1, 0.5, 1]], ['activation', ['tanh', 'relu']]];
  it('the grid is every combination, the first flag slowest', () => {
    const points = gridPoints(space);
    expect(points).toHaveLength(12);
    expect(points[0]).toEqual({ layers: [2], lr: 0.1, activation: 'tanh' });
    expect(points[1]).toEqual({ layers: [2], lr: 0.1, activation: 'relu' });
    expect(points[11]).toEqual({ layers: [4, 8], lr: 1, activation: 'relu' });
    expect(new Set(points.map((p) => JSON.stringify(p))).size).toBe(12);
  });
  it('random draws distinct grid points, the same for the same seed, all of them when asked for more', () => {
    const grid = new Set(gridPoints(space).map((p) => JSON.stringify(p)));
    const five = randomPoints(space, 5, 1);
    expect(five).toHaveLength(5);
    expect(new Set(five.map((p) => JSON.stringify(p))).size).toBe(5);
    for (const p of five) expect(grid.has(JSON.stringify(p))).toBe(true);
    expect(randomPoints(space, 5, 1)).toEqual(five);
    expect(randomPoints(space, 5, 2)).not.toEqual(five);
    expect(new Set(randomPoints(space, 50, 1).map((p) => JSON.stringify(p)))).toEqual(grid);
  });
});

describe('chainrule tune', () => {
  let dir: string;
  let file: string;
  const common = ['--target', 'y', '--optimizer', 'adam', '--activation', 'tanh', '--epochs', '60', '--folds', '3', '--quiet'];
  beforeAll(() => {
    assertBuilt();
    dir = tempDir();
    file = join(dir, 'xor.csv');
    writeFileSync(file, xorCsv(180, 5));
  });
  afterAll(removeTempDirs);

  it('finds the one setting that can learn XOR, and its numbers are cv\'s for that setting; --jobs 2 prints the same', async () => {
    const args = ['tune', '--data', file, ...common, '--grid', 'layers=none|8;lr=0.0001|0.05', '--json'];
    const [one, two, cvBest] = await Promise.all([
      runCliAsync([...args, '--jobs', '1'], dir),
      runCliAsync([...args, '--jobs', '2'], dir),
      runCliAsync(['cv', '--data', file, ...common, '--layers', '8', '--lr', '0.05', '--json'], dir),
    ]);
    for (const r of [one, two, cvBest]) expect(r.status, r.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const doc = JSON.parse(one.stdout);
    expect(doc.trials.map((t: { params: unknown }) => t.params)).toEqual([
      { layers: [], lr: 0.0001 }, { layers: [], lr: 0.05 }, { layers: [8], lr: 0.0001 }, { layers: [8], lr: 0.05 },
    ]);
    expect(doc.best.params).toEqual({ layers: [8], lr: 0.05 });
    // It wins clearly: held-out accuracy far above every other setting's.
    const accuracy = doc.trials.map((t: { mean: { accuracy: number } }) => t.mean.accuracy);
    expect(accuracy[3]).toBeGreaterThan(0.8);
    for (const a of accuracy.slice(0, 3)) expect(a).toBeLessThan(accuracy[3] - 0.2);
    const cv = JSON.parse(cvBest.stdout);
    expect(doc.trials[3].mean).toEqual(cv.mean);
    expect(doc.trials[3].std).toEqual(cv.std);
    expect(doc.best.mean).toEqual(cv.mean);
  });

  it('--out writes what train writes with the best flags on every row, byte for byte; a JSON grid file is the same grid', () => {
    const gridFile = join(dir, 'grid.json');
    writeFileSync(gridFile, JSON.stringify({ layers: [[3], [6]], epochs: [5, 40] }));
    const r = runCli(['tune', '--data', file, ...common, '--grid', gridFile, '--out', join(dir, 'best.json')], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/best \(\*\): layers=6 epochs=40/);
    const inline = runCli(['tune', '--data', file, ...common, '--grid', 'layers=3|6;epochs=5|40', '--json'], dir);
    expect(JSON.parse(inline.stdout).best.params).toEqual({ layers: [6], epochs: 40 });
    const train = runCli(['train', '--data', file, ...common.filter((a) => a !== '--folds' && a !== '3'), '--layers', '6', '--epochs', '40', '--out', join(dir, 'trained.json')], dir);
    expect(train.status, train.stderr).toBe(0);
    expect(readFileSync(join(dir, 'best.json'), 'utf8')).toBe(readFileSync(join(dir, 'trained.json'), 'utf8'));
  });

  it('--random 3 tries three distinct settings of the grid, the same ones for the same --seed', () => {
    const args = ['tune', '--data', file, ...common, '--epochs', '3', '--grid', 'layers=2|4;lr=0.1|0.2|0.3', '--random', '3', '--json'];
    const a = JSON.parse(runCli(args, dir).stdout);
    const b = JSON.parse(runCli(args, dir).stdout);
    expect(a.trials).toHaveLength(3);
    expect(new Set(a.trials.map((t: { params: unknown }) => JSON.stringify(t.params))).size).toBe(3);
    expect(b).toEqual(a);
  });

  it('--random draws from ranges: log-uniform lr, integer epochs, inside their bounds, the same for the same --seed', () => {
    const args = ['tune', '--data', file, ...common, '--grid', 'lr=log:0.001..0.5;epochs=2..6;layers=2|3', '--random', '4', '--json'];
    const a = JSON.parse(runCli(args, dir).stdout);
    expect(a.trials).toHaveLength(4);
    for (const { params } of a.trials) {
      expect(params.lr).toBeGreaterThanOrEqual(0.001);
      expect(params.lr).toBeLessThanOrEqual(0.5);
      expect(Number.isInteger(params.epochs) && params.epochs >= 2 && params.epochs <= 6).toBe(true);
      expect([[2], [3]]).toContainEqual(params.layers);
    }
    expect(new Set(a.trials.map((t: { params: { lr: number } }) => t.params.lr)).size).toBe(4);
    expect(JSON.parse(runCli(args, dir).stdout)).toEqual(a);
  });

  it.each([
    ['lr=log:0.001..0.5', /^chainrule: --grid: lr is a range: ranges are drawn from with --random N\n$/],
    ['layers=2..8', /^chainrule: --grid: layers=2..8: a range needs a numeric flag/],
    ['lr=0..1', /^chainrule: --lr must be a positive number, got 0\n$/],
    ['epochs=9..3', /^chainrule: --grid: epochs=9..3: the range must go from a lower to a higher value\n$/],
  ])('--grid %j --random 2 mistakes are exit-2 lines', (grid, message) => {
    const r = runCli(['tune', '--data', file, ...common, '--grid', grid, ...(grid.startsWith('lr=log') ? [] : ['--random', '2'])], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it.each([
    ['layers=2;momentum=0.9', /^chainrule: --grid: unknown flag "momentum": it is not a train flag \(tunable: layers, .*\)\n$/],
    ['data=other.csv', /^chainrule: --grid: unknown flag "data": it is a train flag that tune does not vary/],
    ['lr=0.1|-1', /^chainrule: --lr must be a positive number, got -1\n$/],
    ['layers', /^chainrule: --grid: expected flag=value\|value, got "layers"\n$/],
    ['patience=3', /^chainrule: --patience needs a validation split/],
  ])('--grid %j is one exit-2 line naming it', (grid, message) => {
    const r = runCli(['tune', '--data', file, ...common, '--grid', grid], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
