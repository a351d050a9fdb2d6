/**
 * Issue 14 items 7, 11 and 12: what a careless CSV does. A typo in a column of numbers is an
 * exit-2 error naming row, column and value (not a silent categorical column); the 50-levels
 * error names the row where the column went over; the usual missing tokens are read as missing,
 * and more with --missing; a target of one value is refused the same way for 0 and 1; a file
 * mixing CRLF and LF line endings reads row by row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable, requireColumn, tableFromRows } from '../../src/data/csv.js';
import { fitInputs, inferTarget, strayCells } from '../../src/data/prepare.js';
import { assertBuilt, removeTempDirs, runCli, tempDir, writeIn } from './helpers.js';

afterAll(removeTempDirs);

/** 40 rows of numbers in performance_score, row `typoRow` (file row, header = 1) replaced by `typo`. */
function scores(typoRow: number, typo: string, rows = 40): string {
  const lines = ['years_experience,performance_score,promoted'];
  for (let i = 0; i < rows; i++) lines.push(`${i % 12},${50 + i}.5,${i % 3 === 0 ? 1 : 0}`);
  lines[typoRow - 1] = `5,${typo},1`;
  return `${lines.join('\n')}\n`;
}

describe('item 7: a typo in a column of numbers', () => {
  beforeAll(assertBuilt);

  it('train: exit 2 naming row 19, the column and "8O.5"; nothing written', async () => {
    const dir = tempDir();
    const file = writeIn(dir, 'typo.csv', scores(19, '8O.5'));
    const r = await runCli(['train', '--data', file, '--epochs', '5', '--out', 'm.json'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`chainrule: ${file}: row 19, column performance_score: "8O.5" is not a number, while 39 of the column's 40 values are; `
      + 'fix it, read it as missing with --missing "8O.5", or read the column as categorical with --categorical performance_score\n');
  });

  it('--categorical performance_score reads it as categories (41 levels → 1 + 40 one-hot inputs)', async () => {
    const dir = tempDir();
    const file = writeIn(dir, 'typo.csv', scores(19, '8O.5'));
    const r = await runCli(['train', '--data', file, '--epochs', '5', '--quiet', '--categorical', 'performance_score', '--json', '--out', 'm.json'], dir);
    expect(r.status, r.stderr).toBe(0);
    const model = JSON.parse((await import('node:fs')).readFileSync(`${dir}/m.json`, 'utf8'));
    expect(model.inputs[1]).toMatchObject({ name: 'performance_score', kind: 'categorical' });
    expect(model.inputs[1].categories).toHaveLength(40);
  });

  it('--missing 8O.5 reads the cell as missing: numeric, its mean from the other 39 values', async () => {
    const dir = tempDir();
    const file = writeIn(dir, 'typo.csv', scores(19, '8O.5'));
    const r = await runCli(['train', '--data', file, '--epochs', '5', '--quiet', '--missing', 'x,8O.5', '--out', 'm.json'], dir);
    expect(r.status, r.stderr).toBe(0);
    const model = JSON.parse((await import('node:fs')).readFileSync(`${dir}/m.json`, 'utf8'));
    const values = Array.from({ length: 40 }, (_, i) => 50 + i + 0.5).filter((_, i) => i !== 17);
    expect(model.inputs[1].kind).toBe('numeric');
    expect(model.inputs[1].mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / 39, 12);
  });

  it('the rule: at most max(1, 5%) of the present values do not parse, and at least 4× as many do', () => {
    const column = (values: string[]) => requireColumn(tableFromRows('t.csv', ['c'], values.map((v) => [v])), 'c');
    const nums = (n: number) => Array.from({ length: n }, (_, i) => String(i * 1.5));
    expect(strayCells(column([...nums(39), 'x']))).toBe(1);
    expect(strayCells(column([...nums(4), 'x']))).toBe(1); // 1 of 5: still a typo in a column of numbers
    expect(strayCells(column([...nums(3), 'x']))).toBe(0); // too few numbers to tell
    expect(strayCells(column([...nums(95), 'a', 'b', 'c', 'd', 'e']))).toBe(5); // 5%
    expect(strayCells(column([...nums(94), 'a', 'b', 'c', 'd', 'e', 'f']))).toBe(0); // 6%: categorical
    expect(strayCells(column(['Sales', 'HR', 'Sales', '3', 'HR']))).toBe(0);
    expect(strayCells(column(nums(10)))).toBe(0); // all numbers: no strays
    expect(strayCells(column([...nums(10), 'NA', 'N/A', 'n/a', '?', 'null', 'NaN', '']))).toBe(0); // missing, not stray
  });

  it('fitInputs: the error is a DataError; declared categorical is read as categories', () => {
    const t = tableFromRows('t.csv', ['c', 'y'], [...Array.from({ length: 20 }, (_, i) => [String(i), String(i % 2)]), ['1O', '0']]);
    expect(() => fitInputs(t, { features: ['c'], standardize: true })).toThrow('t.csv: row 22, column c: "1O" is not a number, while 20 of the column\'s 21 values are; ');
    expect(fitInputs(t, { features: ['c'], standardize: true, categorical: ['c'] })[0].kind).toBe('categorical');
  });

  it('the 50-levels error names the row where the 51st distinct value first appears (row 502 of 1,000)', async () => {
    const dir = tempDir();
    const lines = ['dept,promoted'];
    for (let i = 0; i < 1000; i++) lines.push(`D${i < 500 ? i % 50 : i},${i % 2}`);
    const file = writeIn(dir, 'levels.csv', `${lines.join('\n')}\n`);
    const r = await runCli(['train', '--data', file, '--target', 'promoted', '--epochs', '2', '--out', 'm.json'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`chainrule: ${file}: row 502, column dept: a categorical column may have at most 50 levels, this one has more than 50 (the 51st distinct value, "D500", is here); leave it out with --features (or declare it --numeric if it is a number)\n`);
  });

  it('missing tokens: "", NA, N/A, n/a, ?, null, NaN are missing in a numeric column; --missing adds more', async () => {
    const dir = tempDir();
    const tokens = ['', 'NA', 'N/A', 'n/a', '?', 'null', 'NaN'];
    const lines = ['x,y', ...Array.from({ length: 30 }, (_, i) => `${i < tokens.length ? tokens[i] : i},${i % 2}`), '-,1'];
    const file = writeIn(dir, 'm.csv', `${lines.join('\n')}\n`);
    const x = requireColumn(await readTable(file, { missing: ['-'] }), 'x');
    expect(x.missing).toBe(8);
    const xs = Array.from(x.numbers as Float64Array);
    expect(xs.slice(0, 7).every(Number.isNaN)).toBe(true);
    expect(xs[7]).toBe(7);
    expect(xs[30]).toBeNaN();
    const without = requireColumn(await readTable(file), 'x');
    expect(without.numbers).toBeUndefined();
    expect(without.missing).toBe(7);
  });
});

describe('item 11: a classifier needs two classes', () => {
  for (const value of ['0', '1', 'yes', 'no']) {
    it(`a target that is all ${JSON.stringify(value)}: the same refusal`, () => {
      const t = tableFromRows('t.csv', ['x', 'y'], Array.from({ length: 12 }, (_, i) => [String(i), value]));
      expect(() => inferTarget(t, 'y')).toThrow(`t.csv: column y: the target has one value only, ${JSON.stringify(value)}, on all 12 rows; a classifier needs two classes`);
      expect(() => inferTarget(t, 'y', value)).toThrow('a classifier needs two classes');
    });
  }

  it('train on all-0 and all-1 files: exit 2, the same message but for the value', async () => {
    assertBuilt();
    const dir = tempDir();
    const results = await Promise.all(['0', '1'].map((v) => runCli(['train', '--data', writeIn(dir, `all${v}.csv`, `x,y\n${Array.from({ length: 20 }, (_, i) => `${i},${v}`).join('\n')}\n`), '--target', 'y', '--out', 'm.json'], dir)));
    for (const [i, r] of results.entries()) {
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`chainrule: ${dir}/all${i}.csv: column y: the target has one value only, "${i}", on all 20 rows; a classifier needs two classes\n`);
    }
  });
});

describe('item 12: mixed line endings', () => {
  it('CRLF and LF mixed: every row read, each named by its own line', async () => {
    const dir = tempDir();
    const file = writeIn(dir, 'mixed.csv', 'a,b,y\r\n1,2,0\n3,4,1\r\n5,6,0\n7,8,1\r\n');
    const t = await readTable(file);
    expect(t.n).toBe(4);
    expect(Array.from(requireColumn(t, 'a').numbers as Float64Array)).toEqual([1, 3, 5, 7]);
    expect(Array.from(requireColumn(t, 'b').numbers as Float64Array)).toEqual([2, 4, 6, 8]);
  });

  it('quoted fields with CRLF, LF and CR inside, in a mixed file: the rows named are the lines the records start on', async () => {
    const dir = tempDir();
    // Lines: 1 header; 2–3 "p⏎q",1; 4 2,3; 5–6 "x⏎y",4; 7 5,6; 8–9 "m⏎n",7; 10 8,oops.
    const file = writeIn(dir, 'q.csv', 'a,b\r\n"p\r\nq",1\r\n2,3\r\n"x\ny",4\n5,6\n"m\rn",7\n8,oops\n');
    const t = await readTable(file);
    expect(Array.from({ length: t.n }, (_, r) => t.row(r))).toEqual([2, 4, 5, 7, 8, 10]);
    expect(() => fitInputs(t, { features: ['b'], standardize: true, numeric: ['b'] })).toThrow(`${file}: row 10, column b: expected a number, got "oops"`);
  });

  it('train on a mixed file (the fields-count error of before): exit 0', async () => {
    assertBuilt();
    const dir = tempDir();
    const lines = ['x1,x2,y', ...Array.from({ length: 30 }, (_, i) => `${i},${(i * 7) % 11},${i % 2}`)];
    const text = lines.map((l, i) => `${l}${i % 3 === 0 ? '\r\n' : '\n'}`).join('');
    const r = await runCli(['train', '--data', writeIn(dir, 'mixed.csv', text), '--target', 'y', '--epochs', '3', '--quiet', '--out', 'm.json'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('on 30 rows');
  });
});
