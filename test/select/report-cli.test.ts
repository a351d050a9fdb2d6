/**
 * `chainrule report` through the CLI: the page's metrics are `evaluate --json`'s on the same
 * data, and the user's mistakes (an --out that cannot be written, data without the target) are
 * exit-2 lines naming them, before any work.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, REPO, removeTempDirs, runCli, tempDir } from '../cli/helpers.js';

const DATA = join(REPO, 'data/promotion.csv');

describe('chainrule report', () => {
  let dir: string;
  beforeAll(() => {
    assertBuilt();
    dir = tempDir();
    expect(runCli(['train', '--epochs', '20', '--quiet', '--out', 'm.json'], dir).status).toBe(0);
    expect(runCli(['train', '--data', join(REPO, 'data/level.csv'), '--target', 'level', '--layers', '8', '--epochs', '30', '--quiet', '--out', 'level.json'], dir).status).toBe(0);
    expect(runCli(['train', '--data', join(REPO, 'data/salary.csv'), '--target', 'salary', '--layers', '8', '--epochs', '30', '--quiet', '--out', 'salary.json'], dir).status).toBe(0);
  });
  afterAll(removeTempDirs);

  it('writes one page whose metrics are evaluate --json\'s', () => {
    const r = runCli(['report', '--model', 'm.json', '--data', DATA, '--out', 'r.html'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('report written to r.html\n');
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    const island = JSON.parse((/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html) as RegExpExecArray)[1]);
    const evaluated = JSON.parse(runCli(['evaluate', '--model', 'm.json', '--data', DATA, '--json'], dir).stdout);
    expect(island.evaluation).toEqual(evaluated);
    expect(island.data.rows).toBe(1000);
    // Permutation importance and partial dependence / ICE are `chainrule importance --json`'s for the same seed.
    const importance = runCli(['importance', '--model', 'm.json', '--data', DATA, '--seed', '0', '--repeats', '5', '--json'], dir);
    expect(importance.status, importance.stderr).toBe(0);
    expect(island.importance).toEqual(JSON.parse(importance.stdout));
    expect([...html.matchAll(/<figure class="plot" data-plot="(\w+)"/g)].map((m) => m[1])).toEqual(['roc', 'pr', 'calibration', 'confusion', 'threshold', 'importance', 'pd0', 'pd1', 'loss']);
  });

  it.each([
    ['level', 'multiclass'],
    ['salary', 'regression'],
  ])('a %s (%s) page shows evaluate --json\'s metrics', (name, task) => {
    const data = join(REPO, `data/${name}.csv`);
    const r = runCli(['report', '--model', `${name}.json`, '--data', data, '--out', `${name}.html`], dir);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(join(dir, `${name}.html`), 'utf8');
    const island = JSON.parse((/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html) as RegExpExecArray)[1]);
    const evaluated = JSON.parse(runCli(['evaluate', '--model', `${name}.json`, '--data', data, '--json'], dir).stdout);
    expect(island.task).toBe(task);
    expect(island.evaluation).toEqual(evaluated);
    // What it relies on: `chainrule importance --json` with its defaults, drawn for this task too.
    const importance = runCli(['importance', '--model', `${name}.json`, '--data', data, '--json'], dir);
    expect(importance.status, importance.stderr).toBe(0);
    expect(island.importance).toEqual(JSON.parse(importance.stdout));
    expect(html).toContain('data-plot="importance"');
    if (task === 'regression') {
      for (const [label, key] of [['MSE', 'mse'], ['RMSE', 'rmse'], ['MAE', 'mae'], ['R²', 'r2']]) expect(html).toContain(`<th>${label}</th><td>${(evaluated[key] as number).toFixed(4)}</td>`);
    } else {
      expect(html).toContain(`<th>macro F1</th><td>${evaluated.macroF1.toFixed(4)}</td>`);
      for (const c of evaluated.perClass) expect(html).toContain(`<tr><td>${c.class}</td><td>${c.precision.toFixed(4)}</td><td>${c.recall.toFixed(4)}</td><td>${c.f1.toFixed(4)}</td><td>${c.support}</td>`);
    }
  });

  it.each([
    [['--out', 'no/such/folder/r.html'], /^chainrule: --out no\/such\/folder\/r\.html: the folder no\/such\/folder does not exist\n$/],
    [['--data', join(REPO, 'test/fixtures/README.md')], /^chainrule: .*README\.md/],
  ])('%j is one exit-2 line', (extra, message) => {
    const r = runCli(['report', '--model', 'm.json', '--data', DATA, '--out', 'x.html', ...extra], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });
});
