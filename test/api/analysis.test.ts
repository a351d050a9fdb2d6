/**
 * The library's crossValidate, tune, buildReport, explainAttributions and importance, called
 * through the built entry (dist/index.js), give the document the CLI prints with --json (the page
 * `report` writes) for the same inputs; their options are checked by name before any work.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, REPO, removeTempDirs, runCliAsync, tempDir } from '../cli/helpers.js';

type Api = typeof import('../../src/index.js');
const BUNDLED = join(REPO, 'data/promotion.csv');
let api: Api;
let dir: string;
let model: ReturnType<Api['loadModel']>;

/** What the CLI printed on stdout as JSON (failing with its stderr when it did not exit 0). */
async function cliJson(args: string[]): Promise<unknown> {
  const r = await runCliAsync([...args, '--json'], dir);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** A document as it reads after JSON (NaN → null), for comparing with the CLI's. */
const asJson = (doc: unknown): unknown => JSON.parse(JSON.stringify(doc));

/** The OptionsError the promise or call throws. */
async function optionsError(call: () => unknown): Promise<InstanceType<Api['OptionsError']>> {
  try {
    await call();
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(api.OptionsError);
    return err as InstanceType<Api['OptionsError']>;
  }
  throw new Error('expected an OptionsError, nothing was thrown');
}

beforeAll(async () => {
  assertBuilt();
  api = (await import(pathToFileURL(join(REPO, 'dist/index.js')).href)) as Api;
  dir = tempDir();
  const r = await runCliAsync(['train', '--quiet', '--data', BUNDLED, '--epochs', '40', '--out', 'm.json'], dir);
  expect(r.status, r.stderr).toBe(0);
  model = api.loadModel(join(dir, 'm.json'));
}, 60_000);
afterAll(removeTempDirs);

const TRAIN_FLAGS = ['--data', BUNDLED, '--epochs', '15', '--lr', '0.3', '--seed', '7'];
const TRAIN_OPTIONS = { target: 'promoted', epochs: 15, lr: 0.3, seed: 7 };

describe('crossValidate', () => {
  it('equals `chainrule cv --json` for the same folds and train options', async () => {
    const [cli, lib] = await Promise.all([
      cliJson(['cv', '--quiet', '--folds', '3', ...TRAIN_FLAGS]),
      api.readCsv(BUNDLED).then((table) => api.crossValidate(table, { ...TRAIN_OPTIONS, folds: 3 })),
    ]);
    expect(lib.folds).toHaveLength(3);
    expect(lib.folds.reduce((s, f) => s + f.rows, 0)).toBe(1000);
    expect(asJson(lib)).toEqual(cli);
  }, 60_000);

  it('names an unknown or bad option before training', async () => {
    const table = api.tableFromRows('t.csv', ['a', 'y'], [['1', '0'], ['2', '1']]);
    expect((await optionsError(() => api.crossValidate(table, { target: 'y', fold: 3 } as never))).message)
      .toMatch(/^unknown option "fold" \(did you mean "folds"\?\); the options are target, task,/);
    const bad = await optionsError(() => api.crossValidate(table, { target: 'y', folds: 1 }));
    expect([bad.option, bad.message]).toEqual(['folds', 'folds must be an integer of at least 2, got 1']);
    expect((await optionsError(() => api.crossValidate(table, { target: 'y', lr: -1 }))).message).toBe('lr must be a positive number, got -1');
    expect((await optionsError(() => api.crossValidate(table, { target: 'y', init: model } as never))).option).toBe('init');
  });
});

describe('tune', () => {
  it('equals `chainrule tune --json` for the same grid (params by the library\'s names)', async () => {
    const [cli, lib] = await Promise.all([
      cliJson(['tune', '--quiet', '--folds', '2', '--grid', 'layers=2|3;lr=0.1|0.5', ...TRAIN_FLAGS]) as Promise<{ trials: { params: Record<string, unknown> }[] }>,
      api.readCsv(BUNDLED).then((table) => api.tune(table, { ...TRAIN_OPTIONS, folds: 2, grid: { hidden: [[2], [3]], lr: [0.1, 0.5] } })),
    ]);
    const rename = (params: Record<string, unknown>) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k === 'layers' ? 'hidden' : k, v]));
    expect(lib.trials.map((t) => t.params)).toEqual([{ hidden: [2], lr: 0.1 }, { hidden: [2], lr: 0.5 }, { hidden: [3], lr: 0.1 }, { hidden: [3], lr: 0.5 }]);
    const expected = asJson(cli) as { trials: { params: Record<string, unknown> }[]; best: { params: Record<string, unknown> } };
    expect(asJson({ trials: lib.trials, best: lib.best })).toEqual({
      trials: expected.trials.map((t) => ({ ...t, params: rename(t.params) })),
      best: { ...expected.best, params: rename(expected.best.params) },
    });
    // The best is the lowest mean log loss (the default metric), computed here from the trials.
    const losses = lib.trials.map((t) => t.mean.logLoss as number);
    expect(lib.bestIndex).toBe(losses.indexOf(Math.min(...losses)));
  }, 90_000);

  it('names the grid option of a bad value, and a range without random', async () => {
    const table = api.tableFromRows('t.csv', ['a', 'y'], [['1', '0'], ['2', '1']]);
    const bad = await optionsError(() => api.tune(table, { target: 'y', grid: { lr: [0.1, -2] } }));
    expect([bad.option, bad.message]).toEqual(['grid.lr', 'grid.lr must be a positive number, got -2']);
    expect((await optionsError(() => api.tune(table, { target: 'y', grid: { hiden: [[2]] } as never }))).message)
      .toBe('grid: unknown option "hiden"; tune varies hidden, activation, optimizer, lr, batchSize, l2, epochs, patience, val, schedule');
    expect((await optionsError(() => api.tune(table, { target: 'y', grid: { lr: { lo: 0.01, hi: 1 } } }))).message)
      .toBe('grid.lr is a range: ranges are drawn from with random: N');
    expect((await optionsError(() => api.tune(table, { target: 'y' } as never))).message).toMatch(/^grid is required/);
  });
});

describe('buildReport', () => {
  it('is the page `chainrule report` writes for the same model and data', async () => {
    const r = await runCliAsync(['report', '--model', 'm.json', '--data', BUNDLED, '--out', 'r.html'], dir);
    expect(r.status, r.stderr).toBe(0);
    const page = await api.buildReport(model, await api.readCsv(BUNDLED));
    expect(page).toBe(readFileSync(join(dir, 'r.html'), 'utf8'));
    expect(page).toContain('id="report-data"');
  }, 60_000);

  it('refuses an unknown option by name', async () => {
    const table = await api.readCsv(BUNDLED);
    expect((await optionsError(() => api.buildReport(model, table, { out: 'x.html' } as never))).message).toBe('unknown option "out"; the options are file');
  });
});

describe('explainAttributions', () => {
  const input = { years_experience: 6, performance_score: 82 };

  it('equals the attributions of `chainrule explain --attributions shapley --background F --json`', async () => {
    const cli = (await cliJson([
      'explain', '--model', 'm.json', '--input', JSON.stringify(input), '--target', '1',
      '--attributions', 'shapley', '--background', BUNDLED, '--background-size', '30', '--seed', '3',
    ])) as { attributions: unknown };
    const lib = api.explainAttributions(model, input, { method: 'shapley', background: await api.readCsv(BUNDLED), backgroundSize: 30, seed: 3 });
    expect(asJson(lib)).toEqual(cli.attributions);
    // Shapley's efficiency: base + Σ values = prediction, up to the reported gap.
    expect(Math.abs(lib.base + lib.values.reduce((s, v) => s + v.value, 0) - lib.prediction)).toBeLessThanOrEqual(lib.gap + 1e-12);
  });

  it('equals integrated gradients from a baseline', async () => {
    const baseline = { years_experience: 1, performance_score: 50 };
    const cli = (await cliJson([
      'explain', '--model', 'm.json', '--input', JSON.stringify(input), '--target', '1',
      '--attributions', 'integrated-gradients', '--baseline', JSON.stringify(baseline),
    ])) as { attributions: unknown };
    expect(asJson(api.explainAttributions(model, input, { method: 'integrated-gradients', baseline }))).toEqual(cli.attributions);
  });

  it('names a bad option', async () => {
    const bad = await optionsError(() => api.explainAttributions(model, input, { method: 'lime' as never }));
    expect([bad.option, bad.message]).toEqual(['method', 'method must be one of shapley, integrated-gradients, got "lime"']);
    expect((await optionsError(() => api.explainAttributions(model, input, { method: 'shapley', backgroundSize: 0 }))).message)
      .toBe('backgroundSize must be an integer from 1 to 1000, got 0');
    expect((await optionsError(() => api.explainAttributions(model, input, { method: 'shapley', seeds: 1 } as never))).message)
      .toMatch(/^unknown option "seeds" \(did you mean "seed"\?\)/);
  });
});

describe('importance', () => {
  it('equals `chainrule importance --json` for the same repeats and seed', async () => {
    const cli = await cliJson(['importance', '--model', 'm.json', '--data', BUNDLED, '--repeats', '2', '--seed', '4']);
    const lib = api.importance(model, await api.readCsv(BUNDLED), { repeats: 2, seed: 4 });
    expect(lib.importances.map((i) => i.input)).toEqual(['years_experience', 'performance_score']);
    expect(asJson(lib)).toEqual(cli);
  });

  it('names a bad option', async () => {
    const table = await api.readCsv(BUNDLED);
    const bad = await optionsError(() => api.importance(model, table, { repeats: 0 }));
    expect([bad.option, bad.message]).toEqual(['repeats', 'repeats must be an integer from 1 to 1000, got 0']);
    expect((await optionsError(() => api.importance(model, table, { metric: 'f1' }))).option).toBe('metric');
  });
});
