/**
 * The faces of attributions and importance: `chainrule importance` and `explain --attributions`
 * print the documents the use cases build (compared with the library's, computed in this
 * process), and bad input exits 2 with one line naming the flag or field.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/csv.js';
import { loadModel } from '../../src/model/file.js';
import { importanceForTable } from '../../src/app/importance.js';
import { assertBuilt, FIXTURES, removeTempDirs, runCliAsync, tempDir } from '../cli/helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

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
