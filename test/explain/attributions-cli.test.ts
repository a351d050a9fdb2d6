/**
 * The faces of attributions and importance: `chainrule importance` and `explain --attributions`
 * print the documents the use cases build (compared with the library's, computed in this
 * process), and bad input exits 2 with one line naming the flag or field.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/csv.js';
import { loadModel } from '../../src/model/file.js';
import { importanceForTable } from '../../src/app/importance.js';
import { explainAttributions } from '../../src/app/attributions.js';
import { assertBuilt, FIXTURES, removeTempDirs, runCliAsync, tempDir } from '../cli/helpers.js';
import { request, start, type Running } from '../server/helpers.js';

let server: Running;
beforeAll(async () => {
  assertBuilt();
  server = await start({ model: loadModel(MODEL), modelPath: MODEL });
});
afterAll(async () => {
  await server.app.close();
  removeTempDirs();
});

const MODEL = join(FIXTURES, 'net2-init.json');
const ROWS = join(FIXTURES, 'net2-rows.csv');

describe('chainrule importance', () => {
  it('--json prints the document importanceForTable builds (repeats 7, seed 3)', async () => {
    const r = await runCliAsync(['importance', '--model', MODEL, '--data', ROWS, '--repeats', '7', '--seed', '3', '--json'], tempDir());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const expected = importanceForTable(loadModel(MODEL), await readTable(ROWS), { repeats: 7, seed: 3 });
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(expected.importances.map((i) => i.input)).toEqual(['years_experience', 'performance_score']);
  });

  it('prints the inputs sorted by mean drop with mean ± std', async () => {
    const r = await runCliAsync(['importance', '--model', MODEL, '--data', ROWS], tempDir());
    expect(r.status).toBe(0);
    const doc = importanceForTable(loadModel(MODEL), await readTable(ROWS), {});
    const order = [...doc.importances].sort((a, b) => b.mean - a.mean).map((i) => i.input);
    const lines = r.stdout.split('\n').filter((l) => /^\s{2}\S/.test(l));
    expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(order);
    expect(lines[0]).toContain(' ± ');
  });

  it('bad flags exit 2 naming the flag', async () => {
    const metric = await runCliAsync(['importance', '--model', MODEL, '--data', ROWS, '--metric', 'f2'], tempDir());
    expect(metric.status).toBe(2);
    expect(metric.stderr).toMatch(/^chainrule: --metric: .*"f2"/);
    const repeats = await runCliAsync(['importance', '--model', MODEL, '--data', ROWS, '--repeats', '0'], tempDir());
    expect(repeats.status).toBe(2);
    expect(repeats.stderr).toContain('--repeats');
    const missing = await runCliAsync(['importance', '--model', MODEL, '--data', join(FIXTURES, 'README.md')], tempDir());
    expect(missing.status).toBe(2);
  });
});

describe('explain --attributions and POST /explain', () => {
  const input = { years_experience: 1.5, performance_score: -0.7 };
  const baseline = { years_experience: 0, performance_score: 0 };
  const background = Array.from({ length: 30 }, (_, i) => ({ years_experience: (i % 7) - 3, performance_score: ((i * 5) % 11) / 5 - 1 }));

  function backgroundCsv(): string {
    const file = join(tempDir(), 'background.csv');
    writeFileSync(file, `years_experience,performance_score,promoted\n${background.map((r, i) => `${r.years_experience},${r.performance_score},${i % 2}`).join('\n')}\n`);
    return file;
  }

  it('shapley with a background file (CLI) and the same rows (HTTP) give the same document, sampled to --background-size', async () => {
    const cli = await runCliAsync(['explain', '--model', MODEL, '--input', JSON.stringify(input), '--target', '1', '--attributions', 'shapley',
      '--background', backgroundCsv(), '--background-size', '20', '--seed', '4', '--json'], tempDir());
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const http = await request(`${server.url}/explain`, 'POST', { input, target: 1, attributions: 'shapley', background, backgroundSize: 20, seed: 4 });
    expect(http.status).toBe(200);
    const doc = JSON.parse(cli.stdout);
    expect(http.body).toEqual(doc);
    expect(doc.attributions.backgroundRows).toBe(20);
    expect(doc.attributions).toEqual(JSON.parse(JSON.stringify(explainAttributions(loadModel(MODEL), input, { method: 'shapley', background, backgroundSize: 20, seed: 4 }))));
    expect(doc.factors.length).toBeGreaterThan(0);
  });

  it('integrated gradients from a --baseline: same document from the CLI and HTTP, conductance through a1 and a2', async () => {
    const cli = await runCliAsync(['explain', '--model', MODEL, '--input', JSON.stringify(input), '--target', '0', '--attributions', 'integrated-gradients',
      '--baseline', JSON.stringify(baseline), '--json'], tempDir());
    expect(cli.status).toBe(0);
    const http = await request(`${server.url}/explain`, 'POST', { input, target: 0, attributions: 'integrated-gradients', baseline });
    const doc = JSON.parse(cli.stdout);
    expect(http.body).toEqual(doc);
    expect(doc.attributions.method).toBe('integrated-gradients');
    expect(doc.attributions.gap).toBeLessThan(1e-6);
    expect(doc.attributions.conductance[0].units.map((u: { unit: string }) => u.unit)).toEqual(['a1', 'a2']);
  });

  it('constrained counterfactuals: the same list from the CLI and HTTP, immutables respected', async () => {
    const cli = await runCliAsync(['explain', '--model', MODEL, '--input', JSON.stringify(input), '--target', '1',
      '--immutable', 'years_experience', '--range', 'performance_score=-10:10', '--max-changes', '1', '--json'], tempDir());
    expect(cli.status).toBe(0);
    const http = await request(`${server.url}/explain`, 'POST', { input, target: 1, counterfactuals: { immutable: ['years_experience'], ranges: { performance_score: [-10, 10] }, maxChanges: 1 } });
    const doc = JSON.parse(cli.stdout);
    expect(http.body).toEqual(doc);
    expect(doc.counterfactuals.length).toBeGreaterThan(0);
    // In this network years_experience alone cannot change the decision (ŷ stays in 0.55–0.64 over −10…10): only the score can.
    for (const cf of doc.counterfactuals) {
      expect(cf.changes.map((c: { input: string }) => c.input)).toEqual(['performance_score']);
      expect(cf.changes[0].to).toBeGreaterThanOrEqual(-10);
      expect(cf.changes[0].to).toBeLessThanOrEqual(10);
      expect(cf.prediction).toBeLessThanOrEqual(0.5);
    }
  });

  it('the terminal shows φ per input as a sorted bar chart with base and prediction', async () => {
    const cli = await runCliAsync(['explain', '--model', MODEL, '--input', JSON.stringify(input), '--target', '1', '--attributions', 'shapley', '--baseline', JSON.stringify(baseline)], tempDir());
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain('Shapley values of P(');
    expect(cli.stdout).toMatch(/base [0-9.]+ \+ Σφ/);
    expect(cli.stdout).toContain('│');
  });

  it('bad input is exit 2 / 400 naming the field: unknown method, a wrong background column, a baseline missing an input, too many rows', async () => {
    const dir = tempDir();
    const cases: [string[], Record<string, unknown>, string, RegExp][] = [
      [['--attributions', 'lime'], { attributions: 'lime' }, 'attributions', /--attributions.*"lime"/],
      [['--attributions', 'shapley', '--baseline', '{"years_experience": 1}'], { attributions: 'shapley', baseline: { years_experience: 1 } }, 'baseline', /--baseline.*performance_score/],
    ];
    for (const [flags, body, field, message] of cases) {
      const cli = await runCliAsync(['explain', '--model', MODEL, '--input', JSON.stringify(input), '--target', '1', ...flags], dir);
      expect(cli.status).toBe(2);
      expect(cli.stderr).toMatch(message);
      expect(cli.stderr.trim().split('\n')).toHaveLength(1);
      const http = await request(`${server.url}/explain`, 'POST', { input, target: 1, ...body });
      expect(http.status).toBe(400);
      expect(http.body.field).toBe(field);
    }
    const wrongColumn = await request(`${server.url}/explain`, 'POST', { input, target: 1, attributions: 'shapley', background: [{ years_experience: 1, performance_scor: 2 }] });
    expect(wrongColumn.status).toBe(400);
    expect(wrongColumn.body.field).toBe('background');
    expect(wrongColumn.body.error).toContain('performance_scor');
    const file = join(dir, 'wrong.csv');
    writeFileSync(file, 'years_experience,score\n1,2\n');
    const cliWrong = await runCliAsync(['explain', '--model', MODEL, '--input', JSON.stringify(input), '--target', '1', '--attributions', 'shapley', '--background', file], dir);
    expect(cliWrong.status).toBe(2);
    expect(cliWrong.stderr).toContain('performance_score');
    const tooMany = await request(`${server.url}/explain`, 'POST', { input, target: 1, attributions: 'shapley', background: Array.from({ length: 10_001 }, () => input) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.field).toBe('background');
    const size = await runCliAsync(['explain', '--model', MODEL, '--input', JSON.stringify(input), '--target', '1', '--attributions', 'shapley', '--background-size', '5000'], dir);
    expect(size.status).toBe(2);
    expect(size.stderr).toContain('--background-size');
  });
});
