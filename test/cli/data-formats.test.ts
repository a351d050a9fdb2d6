/**
 * Issue 14 item 18 through the CLI: the same data as CSV, Parquet and NDJSON gives the same model
 * bytes from `train` (same seed) and the same `evaluate`, `predict`, `explain --background`,
 * `importance` and `cv` documents; the formats' own mistakes exit 2 naming the file and the
 * line or row.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRows, writeCsv, writeFixtureParquet, writeNdjson, writeParquet } from '../data/formats-fixture.js';
import { writeIn } from '../data/helpers.js';
import { assertBuilt, removeTempDirs, runCliAsync, tempDir } from './helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

const TRAIN = ['--target', 'promoted', '--layers', '4', '--epochs', '15', '--seed', '5', '--quiet'];

describe('the same data as CSV, Parquet and NDJSON', () => {
  const dir = tempDir();
  const rows = fixtureRows(150);
  const files = { csv: writeCsv(dir, rows), parquet: writeFixtureParquet(dir, rows), ndjson: writeNdjson(dir, rows) };
  const formats = Object.keys(files) as (keyof typeof files)[];

  /** The same command on each format's file (`FILE` stands for it); stdout of each, after checking exit 0. */
  async function onEach(args: (file: string, format: string) => string[]): Promise<string[]> {
    const results = await Promise.all(formats.map((f) => runCliAsync(args(files[f], f), dir)));
    return results.map((r, i) => {
      expect(r.status, `${formats[i]}: ${r.stderr}`).toBe(0);
      return r.stdout;
    });
  }

  it('train with the same seed writes byte-identical model files', async () => {
    await onEach((file, f) => ['train', '--data', file, ...TRAIN, '--out', `m-${f}.json`]);
    const [csv, ...others] = formats.map((f) => readFileSync(join(dir, `m-${f}.json`)));
    expect(JSON.parse(csv.toString()).inputs.map((i: { name: string; kind: string }) => `${i.name}:${i.kind}`))
      .toEqual(['years:numeric', 'score:numeric', 'dept:categorical', 'remote:categorical']);
    for (const [i, bytes] of others.entries()) expect(bytes.equals(csv), formats[i + 1]).toBe(true);
  });

  it('evaluate --json, predict --json, explain --background, importance --json and cv --json agree', async () => {
    const model = join(dir, 'model.json');
    const trained = await runCliAsync(['train', '--data', files.csv, ...TRAIN, '--out', model], dir);
    expect(trained.status, trained.stderr).toBe(0);
    const same = (outputs: string[]) => {
      expect(outputs[0].length).toBeGreaterThan(10);
      for (const out of outputs.slice(1)) expect(out).toBe(outputs[0]);
    };
    const evaluated = await onEach((file) => ['evaluate', '--model', model, '--data', file, '--json']);
    same(evaluated);
    expect(JSON.parse(evaluated[0]).rows).toBe(150);
    const predicted = await onEach((file) => ['predict', '--model', model, '--data', file, '--json']);
    same(predicted);
    expect(JSON.parse(predicted[0]).predictions).toHaveLength(150);
    same(await onEach((file) => ['explain', '--model', model, '--input', '{"years":5,"score":70,"dept":"HR","remote":"true"}',
      '--target', '1', '--attributions', 'shapley', '--background', file, '--background-size', '20', '--json']));
    same(await onEach((file) => ['importance', '--model', model, '--data', file, '--repeats', '2', '--seed', '1', '--json']));
    same(await onEach((file) => ['cv', '--data', file, ...TRAIN, '--epochs', '3', '--folds', '3', '--json']));
  });
});

describe('--format overrides the extension', () => {
  const dir = tempDir();
  const rows = fixtureRows(80);

  it('train --format ndjson on a .txt file, evaluate --format parquet on a .bin file: as if named by their extensions', async () => {
    const csv = writeCsv(dir, rows);
    const txt = writeNdjson(dir, rows, 'rows.txt');
    const bin = writeFixtureParquet(dir, rows, 'rows.bin');
    const [a, b] = await Promise.all([
      runCliAsync(['train', '--data', csv, ...TRAIN, '--out', 'a.json'], dir),
      runCliAsync(['train', '--data', txt, '--format', 'ndjson', ...TRAIN, '--out', 'b.json'], dir),
    ]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    expect(readFileSync(join(dir, 'b.json')).equals(readFileSync(join(dir, 'a.json')))).toBe(true);
    const [fromCsv, fromBin, asCsv] = await Promise.all([
      runCliAsync(['evaluate', '--model', 'a.json', '--data', csv, '--json'], dir),
      runCliAsync(['evaluate', '--model', 'a.json', '--data', bin, '--format', 'parquet', '--json'], dir),
      runCliAsync(['evaluate', '--model', 'a.json', '--data', bin, '--json'], dir),
    ]);
    expect(fromBin.status, fromBin.stderr).toBe(0);
    expect(fromBin.stdout).toBe(fromCsv.stdout);
    expect(asCsv.status).toBe(2); // read as CSV: a binary file is not text
    expect(asCsv.stderr).toContain(`${bin}: not a text file`);
  });

  it('an unknown --format: exit 2 naming the choices', async () => {
    const r = await runCliAsync(['train', '--data', 'x.csv', '--format', 'xml'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('chainrule: --format must be one of csv, parquet, ndjson, got xml\n');
  });
});

describe('mistakes in Parquet and NDJSON: exit 2 naming the place', () => {
  const dir = tempDir();

  async function refused(file: string): Promise<string> {
    const r = await runCliAsync(['train', '--data', file, '--epochs', '2', '--out', 'm.json'], dir);
    expect(r.status, r.stderr).toBe(2);
    return r.stderr;
  }

  it('a malformed NDJSON line: the file and the line number', async () => {
    const file = writeIn(dir, 'bad.ndjson', '{"x":1,"promoted":0}\n{"x":2,"promoted":1}\n{"x":3,"promoted":1\n');
    expect(await refused(file)).toMatch(new RegExp(`^chainrule: ${file}: line 3: not valid JSON \\(.+\\); NDJSON has one JSON object per line\\n$`));
  });

  it('a nested NDJSON value: the line and the key', async () => {
    const file = writeIn(dir, 'nested.jsonl', '{"x":1,"promoted":0}\n{"x":2,"promoted":{"v":1}}\n');
    expect(await refused(file)).toBe(`chainrule: ${file}: line 2, key "promoted": a nested object ({"v":1}); chainrule reads flat values: numbers, strings, booleans, null\n`);
  });

  it('a typo in a Parquet STRING column of numbers: the stray-cell error of the same CSV, same row', async () => {
    const values = Array.from({ length: 40 }, (_, i) => (i === 17 ? '8O.5' : `${50 + i}.5`));
    const promoted = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const parquet = writeParquet(dir, [
      { name: 'performance_score', data: values, type: 'STRING' }, { name: 'promoted', data: promoted, type: 'INT32' },
    ], 'typo.parquet');
    const csv = writeIn(dir, 'typo.csv', `performance_score,promoted\n${values.map((v, i) => `${v},${promoted[i]}`).join('\n')}\n`);
    const [fromParquet, fromCsv] = await Promise.all([refused(parquet), refused(csv)]);
    expect(fromParquet).toContain(`${parquet}: row 19, column performance_score: "8O.5" is not a number`);
    expect(fromParquet).toBe(fromCsv.replace(csv, parquet));
  });

  it('an INT64 beyond 2^53: the row and the column', async () => {
    const file = writeParquet(dir, [
      { name: 'id', data: [1n, 2n ** 60n, 3n], type: 'INT64' }, { name: 'promoted', data: [0, 1, 1], type: 'INT32' },
    ], 'big.parquet');
    expect(await refused(file)).toBe(`chainrule: ${file}: row 3, column id: 1152921504606846976 is too large for a float64 to hold exactly (beyond ±9007199254740991); store the column as DOUBLE or as strings\n`);
  });
});
