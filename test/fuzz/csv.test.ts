/**
 * Fuzzing the CSV reader and what reads through it: text built from CSV's awkward parts (quotes,
 * unbalanced quotes, delimiters ; and tab, BOM, CRLF, NUL, ragged rows, extreme numbers, unicode,
 * empty lines). Property: readTable gives a table or a DataError naming the file — never another
 * exception, never a hang (bounded sizes) — and scoring a table with a model gives finite
 * probabilities or a DataError / InputError. A smaller CLI run checks `predict --data` and
 * `train --data` end in exit 0 or 2 with one line on stderr, never a crash.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DataError, readTable } from '../../src/data/csv.js';
import { InputError } from '../../src/model/encoding.js';
import { predictTable } from '../../src/app/predict.js';
import { readForModel } from '../../src/cli/commands/predict.js';
import { saveModel } from '../../src/model/file.js';
import { assertBuilt, runCliAsync } from '../cli/helpers.js';
import { validModel } from './models.js';
import { params, runs, timeout } from './settings.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-fuzz-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const modelPath = join(dir, 'model.json');
beforeAll(() => saveModel(modelPath, validModel()));

const names = fc.constantFrom('years_experience', 'department', 'promoted', 'id', '', ' x ', '"q,uoted"', 'ünï', 'a"b', 'years_experience');
const nasty = fc.oneof(
  fc.constantFrom('1e400', 'NaN', 'Infinity', '', 'NA', '?', '"a,b"', '"unclosed', 'x"y', '""', '"multi\nline"', '\u0000', '\uFEFF1',
    ' 7 ', '0x1F', '1,5', '١٢', '1;2', '\t'),
  fc.string({ maxLength: 8 }),
);
const benign = fc.oneof(
  fc.constantFrom('1', '0', '3.5', '-2', '1e300', '-1e300', '5e-324', 'Sales', 'HR', 'Eng'),
  fc.double({ noNaN: true }).map(String),
);
const cell = fc.oneof({ arbitrary: benign, weight: 12 }, { arbitrary: nasty, weight: 1 });
const csvText = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t'),
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  bom: fc.boolean(),
  header: fc.uniqueArray(names, { minLength: 0, maxLength: 5 }),
  rows: fc.array(fc.array(cell, { minLength: 0, maxLength: 6 }), { maxLength: 12 }),
  ragged: fc.double({ min: 0, max: 1, noNaN: true }),
  trailing: fc.constantFrom('', '\n', '\n\n', ','),
}).map(({ delimiter, eol, bom, header, rows, ragged, trailing }) => {
  // Most files keep every row as wide as the header; some are ragged.
  const body = ragged < 0.8 ? rows.map((r) => Array.from({ length: header.length }, (_, c) => r[c] ?? '1')) : rows;
  return (bom ? '\uFEFF' : '') + [header, ...body].map((r) => r.join(delimiter)).join(eol) + trailing;
});

const promotionLike = fc.array(
  fc.tuple(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(1e300, -1e300, 5e-324)), fc.constantFrom('Sales', 'HR', 'Eng', '', 'NA'), fc.constantFrom('0', '1')),
  { minLength: 1, maxLength: 10 },
).map((rows) => `years_experience,department,promoted\n${rows.map((r) => r.join(',')).join('\n')}\n`);

let file = 0;
function write(text: string): string {
  const path = join(dir, `f${file++ % 50}.csv`);
  writeFileSync(path, text);
  return path;
}

describe(`CSV fuzz (${runs(300)} runs each, fixed seed)`, () => {
  test('readTable on CSV-shaped text: a table or a DataError naming the file', async () => {
    let tables = 0;
    await fc.assert(fc.asyncProperty(csvText, async (text) => {
      const path = write(text);
      try {
        const table = await readTable(path);
        tables++;
        expect(table.header.length).toBeGreaterThan(0);
        expect(table.columns.length).toBe(table.header.length);
      } catch (err) {
        expect(err).toBeInstanceOf(DataError);
        expect((err as Error).message.startsWith(path)).toBe(true);
      }
    }), params(300));
    expect(tables).toBeGreaterThan(10); // the generator reaches well-formed files too
  }, timeout(300));

  test('scoring a file with a model (predict --data\'s path): finite probabilities, or a DataError / InputError', async () => {
    let scored = 0;
    await fc.assert(fc.asyncProperty(fc.oneof(csvText, promotionLike), async (text) => {
      const path = write(text);
      const model = validModel();
      try {
        const predictions = predictTable(model, await readForModel(model, path)) as { probability: number; label: number }[];
        scored++;
        for (const p of predictions) {
          expect(Number.isFinite(p.probability)).toBe(true);
          expect(p.probability).toBeGreaterThanOrEqual(0);
          expect(p.probability).toBeLessThanOrEqual(1);
        }
      } catch (err) {
        expect(err instanceof DataError || err instanceof InputError, String(err)).toBe(true);
      }
    }), params(300));
    expect(scored).toBeGreaterThan(10);
  }, timeout(300));
});

describe(`CSV fuzz through the CLI (${Math.min(runs(6), 40)} files, fixed seed)`, () => {
  beforeAll(assertBuilt);

  test('predict --data and train --data on fuzzed files: exit 0 or 2, one line on stderr, never a crash', async () => {
    const samples = fc.sample(fc.oneof(csvText, promotionLike), { seed: 99, numRuns: Math.min(runs(6), 40) });
    for (const [i, text] of samples.entries()) {
      const path = write(text);
      const [predicted, trained] = await Promise.all([
        runCliAsync(['predict', '--model', modelPath, '--data', path, '--json'], dir),
        runCliAsync(['train', '--data', path, '--epochs', '2', '--out', join(dir, `t${i}.json`), '--quiet'], dir),
      ]);
      for (const r of [predicted, trained]) {
        expect([0, 2], r.stderr).toContain(r.status);
        if (r.status === 2) expect(r.stderr).toMatch(/^chainrule: [^\n]+\n$/);
      }
      if (predicted.status === 0) {
        for (const p of JSON.parse(predicted.stdout).predictions) expect(Number.isFinite(p.probability)).toBe(true);
      }
    }
  }, Math.min(runs(6), 40) * 20_000);
});
