/**
 * CSV text (tableFromCsv, csv-parse's browser entry) and CSV files (readTable, its Node stream)
 * give the same table and the same messages: every column's numbers, codes and levels, the file
 * rows, for delimiters, quotes, a BOM, mixed line endings and line breaks inside quotes; and each
 * bad file fails with the identical line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readTable, type Table } from '../../src/data/csv.js';
import { tableFromCsv } from '../../src/data/csv-text.js';
import { removeTempDirs, tempDir, writeIn } from './helpers.js';

afterAll(removeTempDirs);

/** Everything a table holds, as plain values (the row function sampled at every data row). */
function contents(table: Table) {
  return {
    file: table.file, header: table.header, n: table.n,
    rows: Array.from({ length: table.n }, (_, r) => table.row(r)),
    columns: table.columns.map((c) => c && {
      ...c, numbers: c.numbers && Array.from(c.numbers), codes: c.codes && Array.from(c.codes),
    }),
  };
}

const GOOD: [string, string][] = [
  ['comma, quotes, BOM, CRLF', '\uFEFFname,score,dept\r\n"Smith, J.",1.5,"R&D ""lab"""\r\nLee,NA,HR\r\n'],
  ['semicolon, blank lines before the header and between rows', '\n\nx;y\n1;2\n\n3;4\n'],
  ['tab', 'a\tb\n1\tx\n2\ty\n'],
  ['mixed CRLF and LF endings', 'a,b\r\n1,2\n3,4\r\n5,6\n'],
  ['line breaks (CRLF and LF) inside quotes shift the later rows', 'a,b\n"one\r\ntwo",1\n"three\nfour",2\n5,3\n'],
  ['a string id, missing tokens and a column past the level cap', `id,v,c\n${Array.from({ length: 60 }, (_, i) => `u${i},${i % 7 === 0 ? '?' : i / 4},l${i}`).join('\n')}\n`],
];

const BAD: [string, string][] = [
  ['a short row after a blank line', 'x,y\n1,2\n\n3,4\n5\n'],
  ['an extra field', 'x,y\n1,2,3\n'],
  ['a duplicate column name', 'x,x\n1,2\n'],
  ['header only', 'x,y\n'],
  ['empty', '\n\n'],
  ['an unclosed quote', 'x,y\n"1,2\n3,4\n'],
  ['a NUL', 'x,y\n1,\u00002\n'],
];

describe('tableFromCsv = readTable on a file with the same text', () => {
  it.each(GOOD)('%s', async (_, text) => {
    const file = writeIn(tempDir(), 'same.csv', text);
    const fromFile = contents(await readTable(file));
    const fromText = contents(tableFromCsv(text, { file }));
    expect(fromText).toEqual(fromFile);
    expect(fromText.n).toBeGreaterThan(0);
  });

  it('passes the read options on (only, keepLevels, missing)', async () => {
    const text = `a,b,c\n${Array.from({ length: 60 }, (_, i) => `${i},k${i % 55},${i % 3 ? i : '-'}`).join('\n')}\n`;
    const file = writeIn(tempDir(), 'opts.csv', text);
    const options = { only: ['b', 'c'], keepLevels: ['b'], missing: ['-'] };
    const fromText = contents(tableFromCsv(text, { file, ...options }));
    expect(fromText).toEqual(contents(await readTable(file, options)));
    expect(fromText.columns[0]).toBeUndefined();
    expect(fromText.columns[1]?.levels).toHaveLength(55);
    expect(fromText.columns[2]?.missing).toBe(20);
  });

  it.each(BAD)('%s: the same message', async (_, text) => {
    const file = writeIn(tempDir(), 'bad.csv', text);
    const fromFile = await readTable(file).then(() => 'no error', (err: Error) => err.message);
    const fromText = (() => {
      try {
        tableFromCsv(text, { file });
        return 'no error';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(fromFile).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
    // The file reader finds a NUL in bytes, the text reader in characters: the same offset here (ASCII).
    expect(fromText).toBe(fromFile.replace('at byte', 'at character'));
  });

  it('names the table "csv" unless told', () => {
    expect(() => tableFromCsv('x,y\n1\n')).toThrow('csv: row 2: expected 2 fields as in the header, got 1 (column y is missing)');
  });
});
