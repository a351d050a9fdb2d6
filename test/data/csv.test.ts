/**
 * The streaming reader: delimiters, quotes, BOM, blank lines (row numbers stay file rows), the
 * compact column store (numbers, level codes, the level cap, string ids kept), and errors that name
 * the file, row and column.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { detectDelimiter, LEVEL_CAP, readTable, requireColumn, tableFromRows } from '../../src/data/csv.js';
import { removeTempDirs, tempDir, writeIn } from './helpers.js';

afterAll(removeTempDirs);

describe('detectDelimiter', () => {
  it.each([
    ['a,b,c', ','], ['a;b;c', ';'], ['a\tb\tc', '\t'], ['single', ','], ['"x;y",b,c', ','], ['"a,b";"c,d";e', ';'],
  ])('%j → %j (quoted delimiters do not count)', (line, expected) => {
    expect(detectDelimiter(line)).toBe(expected);
  });
});

describe('readTable', () => {
  it.each([[',', 'comma'], [';', 'semicolon'], ['\t', 'tab']])('reads a %j (%s) file with quotes, BOM and CRLF', async (d) => {
    const dir = tempDir();
    const text = `\uFEFFname${d}score${d}dept\r\n"Smith${d} J."${d}1.5${d}"R&D ""lab"""\r\nLee${d}NA${d}HR\r\n`;
    const table = await readTable(writeIn(dir, 'a.csv', text));
    expect(table.header).toEqual(['name', 'score', 'dept']);
    expect(table.n).toBe(2);
    expect(requireColumn(table, 'name').levels).toEqual([`Smith${d} J.`, 'Lee']);
    expect(Array.from(requireColumn(table, 'score').numbers ?? [])).toEqual([1.5, NaN]);
    expect(requireColumn(table, 'dept').levels).toEqual(['R&D "lab"', 'HR']);
  });

  it('skips blank lines and reports file rows: an error after a blank line names row 5, not 4', async () => {
    const dir = tempDir();
    const file = writeIn(dir, 'b.csv', 'x,y\n1,2\n\n3,4\n5\n');
    await expect(readTable(file)).rejects.toThrow(`${file}: row 5: expected 2 fields as in the header, got 1 (column y is missing)`);
    const ok = await readTable(writeIn(dir, 'c.csv', 'x,y\n1,2\n\n3,4\n'));
    expect(ok.n).toBe(2);
    expect([ok.row(0), ok.row(1)]).toEqual([2, 4]);
    const late = await readTable(writeIn(dir, 'late.csv', '\n\nx;y\n1;2\n'));
    expect(late.header).toEqual(['x', 'y']);
    expect(late.row(0)).toBe(4);
  });

  it('stores numbers as Float64Array and codes as Int32Array, missing as NaN / −1', async () => {
    const dir = tempDir();
    const table = await readTable(writeIn(dir, 'd.csv', 'n,c\n1,a\n?,b\n3,\n4,a\n'));
    const n = requireColumn(table, 'n');
    const c = requireColumn(table, 'c');
    expect(n.numbers).toBeInstanceOf(Float64Array);
    expect(Array.from(n.numbers ?? [])).toEqual([1, NaN, 3, 4]);
    expect(n.missing).toBe(1);
    expect(c.codes).toBeInstanceOf(Int32Array);
    expect(Array.from(c.codes ?? [])).toEqual([0, 1, -1, 0]);
    expect(c.numbers).toBeUndefined();
    expect(c.firstNonNumeric).toEqual({ row: 0, value: 'a' });
    expect(c.firstMissingRow).toBe(2);
  });

  it('`only` stores just the named columns', async () => {
    const dir = tempDir();
    const table = await readTable(writeIn(dir, 'e.csv', 'a,b,c\n1,2,3\n'), { only: ['b'] });
    expect(table.columns.map((c) => c?.name)).toEqual([undefined, 'b', undefined]);
  });

  it.each([
    ['empty.csv', '', 'empty file (a header row is required)'],
    ['blank.csv', '\n\n  \n', 'empty file (a header row is required)'],
    ['header.csv', 'a,b,c\n', 'header only, no data rows'],
    ['long.csv', 'a,b\n1,2\n3,4,5\n', 'row 3: expected 2 fields as in the header, got 3 (extra field "5" after column b)'],
    ['short.csv', 'a,b,c\n1,2,3\n4,5\n', 'row 3: expected 3 fields as in the header, got 2 (column c is missing)'],
    ['quote.csv', 'a,b\n1,"open\n', 'row '],
    ['dup.csv', 'a,b,a\n1,2,3\n', 'row 1, column 3: duplicate column name "a"'],
  ])('%s is refused: %s', async (name, content, message) => {
    const dir = tempDir();
    const file = writeIn(dir, name, content);
    await expect(readTable(file)).rejects.toThrow(`${file}: ${message}`);
  });

  it('a binary file is not text (NUL byte), nor is invalid UTF-8; a missing file is named', async () => {
    const dir = tempDir();
    const png = writeIn(dir, 'x.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    await expect(readTable(png)).rejects.toThrow(`${png}: not a text file (a NUL byte at byte 8`);
    const latin = writeIn(dir, 'l.csv', Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xe9, 0xff, 0x2c, 0x31, 0x0a]));
    await expect(readTable(latin)).rejects.toThrow(`${latin}: not a text file (not valid UTF-8`);
    await expect(readTable(`${dir}/nope.csv`)).rejects.toThrow(`${dir}/nope.csv: no such file`);
  });
});

describe('column store: level cap and ids', () => {
  const rows = (n: number, f: (i: number) => string[]) => Array.from({ length: n }, (_, i) => f(i));

  it(`a repeated string column with more than ${LEVEL_CAP} levels drops its codes but keeps the first ${LEVEL_CAP + 1} levels`, () => {
    const t = tableFromRows('t.csv', ['c'], rows(200, (i) => [`v${i % 60}`]));
    const c = requireColumn(t, 'c');
    expect(c.codes).toBeUndefined();
    expect(c.levels).toHaveLength(LEVEL_CAP + 1);
    expect(c.distinct).toBe(false);
  });

  it('a string column distinct on every row keeps its codes (to be recognised as an id)', () => {
    const t = tableFromRows('t.csv', ['id'], rows(500, (i) => [`E${1000 + i}`]));
    const c = requireColumn(t, 'id');
    expect(c.distinct).toBe(true);
    expect(c.codes?.length).toBe(500);
  });

  it('a numeric column with many values keeps numbers and drops codes; keepLevels keeps them', () => {
    const data = rows(300, (i) => [String(i * 0.5)]);
    expect(requireColumn(tableFromRows('t.csv', ['x'], data), 'x').codes).toBeUndefined();
    const kept = requireColumn(tableFromRows('t.csv', ['x'], data, { keepLevels: ['x'] }), 'x');
    expect(kept.levels).toHaveLength(300);
    expect(kept.numbers?.[299]).toBe(149.5);
  });
});

describe('streaming across chunk boundaries', () => {
  it('12,000 rows with quoted delimiters, doubled quotes and line breaks inside quotes read the same as the rows written', async () => {
    const dir = tempDir();
    const words = ['plain', 'with;semicolon', 'say "hi"', 'two\nlines', 'ünïcödé €', '  padded  '];
    const quote = (s: string) => (/[;"\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const rows = Array.from({ length: 12000 }, (_, i) => [String(i * 0.25), words[i % words.length], i % 7 === 0 ? 'NA' : String(i % 3)]);
    const text = `a;b;c\n${rows.map((r) => r.map(quote).join(';')).join('\n')}\n`;
    expect(text.length).toBeGreaterThan(3 * 64 * 1024);
    const table = await readTable(writeIn(dir, 'big.csv', text));
    expect(table.n).toBe(12000);
    const a = requireColumn(table, 'a');
    const b = requireColumn(table, 'b');
    const c = requireColumn(table, 'c');
    rows.forEach((r, i) => {
      expect(a.numbers?.[i]).toBe(i * 0.25);
      // Fields are trimmed, as the encoders see them.
      expect(b.levels[b.codes?.[i] ?? -1]).toBe(r[1].trim());
      expect(c.numbers?.[i]).toBe(r[2] === 'NA' ? NaN : Number(r[2]));
    });
    // Rows are file lines where each record starts; a record spanning two lines moves the ones after it down by one.
    expect(table.row(3)).toBe(5);
    expect(table.row(4)).toBe(7);
  });
});
