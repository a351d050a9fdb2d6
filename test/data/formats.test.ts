/**
 * Issue 14 item 18: Parquet and NDJSON files read into the same table as the CSV of the same data
 * (numbers, levels, codes, missing counts), chosen by extension or by `format`; their own errors
 * name the file and the line (NDJSON) or the row as the CSV would count it (Parquet: header = 1).
 */
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { formatOf, readTable, requireColumn, type Table } from '../../src/data/csv.js';
import { fitInputs } from '../../src/data/prepare.js';
import { fixtureRows, HEADER, writeCsv, writeFixtureParquet, writeNdjson, writeParquet } from './formats-fixture.js';
import { removeTempDirs, tempDir, writeIn } from './helpers.js';

afterAll(removeTempDirs);

/** Everything of a table the encoders read, row numbers aside. */
function contents(table: Table) {
  return {
    header: table.header,
    n: table.n,
    columns: table.columns.map((c) => c && {
      name: c.name, numbers: c.numbers && Array.from(c.numbers), levels: c.levels, codes: c.codes && Array.from(c.codes),
      missing: c.missing, numericCount: c.numericCount, nonNumericCount: c.nonNumericCount, distinct: c.distinct,
    }),
  };
}

describe('formatOf', () => {
  it.each([
    ['a.parquet', 'parquet'], ['dir.v2/A.PARQUET', 'parquet'], ['a.ndjson', 'ndjson'], ['a.jsonl', 'ndjson'], ['a.csv', 'csv'],
    ['a.tsv', 'csv'], ['a.txt', 'csv'], ['noext', 'csv'], ['dir.parquet/data', 'csv'], ['a.constructor', 'csv'],
  ])('%s → %s', (file, format) => expect(formatOf(file)).toBe(format));
});

describe('the same data as CSV, Parquet and NDJSON', () => {
  const dir = tempDir();
  const rows = fixtureRows();
  const csv = writeCsv(dir, rows);

  it('give the same table: numbers, levels, codes and missing counts', async () => {
    const expected = contents(await readTable(csv));
    expect(expected.columns.map((c) => c?.missing)).toEqual([0, 7, 5, 0, 0]); // rows 17, 34, …, 119 and 23, …, 115
    expect(expected.columns[3]?.levels).toEqual(rows[0].remote ? ['true', 'false'] : ['false', 'true']);
    for (const file of [writeFixtureParquet(dir, rows), writeNdjson(dir, rows), writeNdjson(dir, rows, 'data.jsonl')]) {
      expect(contents(await readTable(file)), file).toEqual(expected);
    }
  });

  it('only: the other columns are in the header but not stored (Parquet does not decode them)', async () => {
    for (const file of [csv, writeFixtureParquet(dir, rows), writeNdjson(dir, rows)]) {
      const table = await readTable(file, { only: (header) => header.filter((h) => h !== 'dept') });
      expect(table.header).toEqual([...HEADER]);
      expect(table.columns[2]).toBeUndefined();
      expect(Array.from(requireColumn(table, 'years').numbers ?? [])).toEqual(rows.map((r) => r.years));
    }
  });

  it('the same inputs fitted: means, stds and categories', async () => {
    const fit = async (file: string) => fitInputs(await readTable(file), { features: ['years', 'score', 'dept', 'remote'], standardize: true });
    const expected = await fit(csv);
    expect(expected.map((input) => input.kind)).toEqual(['numeric', 'numeric', 'categorical', 'categorical']);
    expect(await fit(writeFixtureParquet(dir, rows))).toEqual(expected);
    expect(await fit(writeNdjson(dir, rows))).toEqual(expected);
  });

  it('format overrides the extension; an unknown extension reads as CSV', async () => {
    const ndjson = writeNdjson(dir, rows, 'rows.txt');
    await expect(readTable(ndjson)).rejects.toThrow(/rows\.txt: row 1: Invalid Opening Quote/); // read as CSV
    expect(contents(await readTable(ndjson, { format: 'ndjson' }))).toEqual(contents(await readTable(csv)));
    const parquet = writeFixtureParquet(dir, rows, 'rows.bin');
    expect(contents(await readTable(parquet, { format: 'parquet' }))).toEqual(contents(await readTable(csv)));
  });

  it('the library: readTable dispatches, readCsv stays CSV', async () => {
    // Imported here: the entry loads every part, the rest of this file only the readers.
    const { readTable: libraryReadTable, readCsv } = await import('../../src/index.js');
    const parquet = writeFixtureParquet(dir, rows);
    expect(contents(await libraryReadTable(parquet))).toEqual(contents(await readTable(csv)));
    await expect(readCsv(parquet)).rejects.toThrow(`${parquet}: not a text file`);
  });
});

describe('row numbers', () => {
  it('NDJSON rows are line numbers (blank lines count); Parquet rows count as in the CSV (header = row 1)', async () => {
    const dir = tempDir();
    const ndjson = await readTable(writeIn(dir, 'a.ndjson', '{"x":1}\n\n{"x":2}\r\n{"x":3}\n'));
    expect([0, 1, 2].map((r) => ndjson.row(r))).toEqual([1, 3, 4]);
    const parquet = await readTable(writeParquet(dir, [{ name: 'x', data: [1, 2, 3], type: 'INT32' }]));
    expect([0, 1, 2].map((r) => parquet.row(r))).toEqual([2, 3, 4]);
  });
});

describe('NDJSON', () => {
  const dir = tempDir();

  it('a malformed line: the file and its line number', async () => {
    const file = writeIn(dir, 'bad.ndjson', '{"x":1}\n\n{"x":2,}\n');
    await expect(readTable(file)).rejects.toThrow(new RegExp(`^${file}: line 3: not valid JSON \\(.+\\); NDJSON has one JSON object per line$`));
  });

  it.each([
    ['[1,2]', 'an array'], ['42', 'a number'], ['"x"', 'a string'], ['null', 'null'],
  ])('a line that is not an object (%s): the line and what it is', async (line, kind) => {
    const file = writeIn(dir, 'notobj.ndjson', `{"x":1}\n${line}\n`);
    await expect(readTable(file)).rejects.toThrow(`${file}: line 2: expected a JSON object such as {"x": 1}, got ${kind}`);
  });

  it('a nested value: the line and the key, even in a column not stored', async () => {
    const file = writeIn(dir, 'nested.ndjson', '{"x":1,"addr":"a"}\n{"x":2,"addr":{"city":"Oslo"}}\n');
    await expect(readTable(file, { only: ['x'] })).rejects.toThrow(
      `${file}: line 2, key "addr": a nested object ({"city":"Oslo"}); chainrule reads flat values: numbers, strings, booleans, null`);
    const list = writeIn(dir, 'list.ndjson', '{"x":[1,2]}\n');
    await expect(readTable(list)).rejects.toThrow(`${list}: line 1, key "x": a nested array ([1,2])`);
  });

  it('keys differ between lines: the union, in order of first appearance; absent is missing', async () => {
    const table = await readTable(writeIn(dir, 'union.ndjson', '{"a":1,"b":"u"}\n{"c":true,"a":2}\n{"b":"v","constructor":3}\n'));
    expect(table.header).toEqual(['a', 'b', 'c', 'constructor']);
    expect(Array.from(requireColumn(table, 'a').numbers ?? [])).toEqual([1, 2, NaN]);
    expect(requireColumn(table, 'b')).toMatchObject({ levels: ['u', 'v'], missing: 1 });
    expect(requireColumn(table, 'c')).toMatchObject({ levels: ['true'], missing: 2 });
    expect(Array.from(requireColumn(table, 'constructor').numbers ?? [])).toEqual([NaN, NaN, 3]);
  });

  it('a string of digits is a cell like a CSV one: a typo among numbers is the stray-cell error naming its line', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ s: i === 18 ? '8O.5' : `${50 + i}.5`, y: i % 2 }));
    const file = writeIn(dir, 'typo.jsonl', `${lines.join('\n')}\n`);
    const table = await readTable(file);
    expect(() => fitInputs(table, { features: ['s'], standardize: true })).toThrow(`${file}: row 19, column s: "8O.5" is not a number, while 39 of the column's 40 values are`);
  });

  it('empty or blank: said so', async () => {
    const file = writeIn(dir, 'empty.ndjson', '\n  \n');
    await expect(readTable(file)).rejects.toThrow(`${file}: empty file (no JSON objects with keys)`);
    await expect(readTable(`${dir}/absent.ndjson`)).rejects.toThrow(`${dir}/absent.ndjson: no such file`);
  });
});

describe('Parquet', () => {
  const dir = tempDir();

  it('INT64: a safe value is a number; one beyond 2^53 is an error naming row (header = 1) and column', async () => {
    const ok = await readTable(writeParquet(dir, [{ name: 'id', data: [1n, -(2n ** 53n) + 1n, 7n], type: 'INT64' }], 'ok.parquet'));
    expect(Array.from(requireColumn(ok, 'id').numbers ?? [])).toEqual([1, -(2 ** 53) + 1, 7]);
    const file = writeParquet(dir, [{ name: 'x', data: [1, 2, 3], type: 'INT32' }, { name: 'id', data: [1n, 2n, 2n ** 60n], type: 'INT64' }], 'big.parquet');
    await expect(readTable(file)).rejects.toThrow(
      `${file}: row 4, column id: 1152921504606846976 is too large for a float64 to hold exactly (beyond ±9007199254740991); store the column as DOUBLE or as strings`);
    // Not stored, not decoded: a model that does not use the column reads the file.
    expect((await readTable(file, { only: ['x'] })).n).toBe(3);
  });

  it('a typo in a STRING column of numbers: the same stray-cell error as the CSV, same row', async () => {
    const values = Array.from({ length: 40 }, (_, i) => (i === 17 ? '8O.5' : `${50 + i}.5`));
    const file = writeParquet(dir, [{ name: 's', data: values, type: 'STRING' }], 'typo.parquet');
    const table = await readTable(file);
    expect(() => fitInputs(table, { features: ['s'], standardize: true })).toThrow(`${file}: row 19, column s: "8O.5" is not a number, while 39 of the column's 40 values are`);
  });

  it('timestamps read as ISO strings, DATE columns as YYYY-MM-DD; NaN in a DOUBLE column is missing', async () => {
    const when = [new Date('2024-03-01T12:00:00Z'), new Date('2024-03-02T00:00:00Z')];
    const table = await readTable(writeParquet(dir, [
      { name: 't', data: when, type: 'TIMESTAMP' }, { name: 'v', data: [NaN, 1.5], type: 'DOUBLE' },
    ], 'time.parquet'));
    expect(requireColumn(table, 't').levels).toEqual(['2024-03-01T12:00:00.000Z', '2024-03-02T00:00:00.000Z']);
    expect(requireColumn(table, 'v')).toMatchObject({ missing: 1 });
    const filename = `${dir}/date.parquet`;
    parquetWriteFile({
      filename, columnData: [{ name: 'd', data: [new Date('2024-01-05'), null] }],
      schema: [{ name: 'root', num_children: 1 }, { name: 'd', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' }],
    });
    expect(requireColumn(await readTable(filename), 'd')).toMatchObject({ levels: ['2024-01-05'], missing: 1 });
  });

  it('a JSON column of objects is refused naming row and column', async () => {
    const file = writeParquet(dir, [{ name: 'meta', data: ['{"a":1}', { a: 2 }].map((v) => (typeof v === 'string' ? JSON.parse(v) : v)), type: 'JSON' }], 'json.parquet');
    await expect(readTable(file)).rejects.toThrow(`${file}: row 2, column meta: a nested object ({"a":1}); chainrule reads flat values`);
  });

  it('not a Parquet file, or none: said so', async () => {
    const fake = writeIn(dir, 'fake.parquet', 'x,y\n1,2\n');
    await expect(readTable(fake)).rejects.toThrow(`${fake}: not a readable Parquet file (parquet file invalid (footer != PAR1)); if it is CSV, --format csv reads it as such`);
    await expect(readTable(fake, { format: 'csv' })).resolves.toMatchObject({ n: 1 });
    const empty = writeIn(dir, 'empty.parquet', '');
    await expect(readTable(empty)).rejects.toThrow(`${empty}: empty file (not a Parquet file)`);
    await expect(readTable(`${dir}/absent.parquet`)).rejects.toThrow(`${dir}/absent.parquet: no such file`);
  });
});
