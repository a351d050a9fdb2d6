/**
 * Fuzzing the NDJSON and Parquet readers: lines mixing JSON objects (nested values, odd keys such
 * as "__proto__" and "constructor", big numbers), other JSON values, broken JSON and blank
 * lines; Parquet files cut short or with a byte of the footer (the metadata) changed. Property:
 * readTable gives a table or a DataError naming the file, never another exception; a table of
 * NDJSON has the union of the objects' keys as its header. Bytes changed inside a data page are
 * left out: a page header whose sizes are damaged can keep hyparquet decoding zeros for minutes
 * (byte 11 of this file set to 0 does), a limit of the library, not of this reader.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, describe, expect, test } from 'vitest';
import { DataError, readTable } from '../../src/data/csv.js';
import { params, runs, timeout } from './settings.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-fuzz-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = fc.oneof(fc.constantFrom('x', 'y', 'dept', '__proto__', 'constructor', 'toString', '', ' a ', '1', 'ünï'), fc.string({ maxLength: 4 }));
const flat = fc.oneof(
  fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('NA', '', '8O.5', 'Sales', '1e400', '\u0000'),
  fc.string({ maxLength: 6 }), fc.constantFrom(12345678901234567890, -0, 5e-324),
);
const value = fc.oneof({ arbitrary: flat, weight: 10 }, { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 });
const objectLine = fc.dictionary(key, value, { maxKeys: 5 }).map((o) => JSON.stringify(o));
const line = fc.oneof(
  { arbitrary: objectLine, weight: 12 },
  { arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v) ?? 'null'), fc.constantFrom('', '  ', '{', '{"x":1,}', '\uFEFF{"x":1}', '{"x":1}{"y":2}', 'NaN'), fc.string({ maxLength: 8 })), weight: 1 },
);
const ndjsonText = fc.tuple(fc.array(line, { maxLength: 10 }), fc.constantFrom('\n', '\r\n'), fc.constantFrom('', '\n'))
  .map(([lines, eol, trailing]) => lines.join(eol) + trailing);

let n = 0;
function write(name: string, content: string | Buffer): string {
  const path = join(dir, `${n++ % 50}-${name}`);
  writeFileSync(path, content);
  return path;
}

async function tableOrDataError(path: string): Promise<Awaited<ReturnType<typeof readTable>> | undefined> {
  try {
    return await readTable(path);
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message.startsWith(path), (err as Error).message).toBe(true);
    return undefined;
  }
}

describe(`NDJSON and Parquet fuzz (${runs(300)} runs each, fixed seed)`, () => {
  test('readTable on NDJSON-shaped text: a table (header = the union of keys) or a DataError naming the file', async () => {
    let tables = 0;
    await fc.assert(fc.asyncProperty(ndjsonText, async (text) => {
      const table = await tableOrDataError(write('f.ndjson', text));
      if (!table) return;
      tables++;
      const keys = new Set<string>();
      for (const l of text.split(/\r?\n/)) if (l.trim() !== '') for (const k of Object.keys(JSON.parse(l.replace(/^\uFEFF/, '')))) keys.add(k);
      expect(new Set(table.header)).toEqual(keys);
      expect(table.columns.every((c) => c !== undefined && (c.numbers?.length ?? table.n) === table.n)).toBe(true);
    }), params(300));
    expect(tables).toBeGreaterThan(10);
  }, timeout(300));

  test('readTable on a damaged Parquet file (a byte changed, or cut short): a table or a DataError naming the file', async () => {
    const good = join(dir, 'good.parquet');
    parquetWriteFile({
      filename: good,
      columnData: [
        { name: 'x', data: [1.5, 2, null, 4], type: 'DOUBLE', nullable: true },
        { name: 'dept', data: ['Sales', 'HR', 'HR', null], type: 'STRING', nullable: true },
        { name: 'id', data: [1n, 2n, 3n, 4n], type: 'INT64' },
      ],
    });
    const bytes = readFileSync(good);
    expect((await readTable(good)).n).toBe(4);
    // The footer: the metadata, its 4-byte length, then "PAR1".
    const footer = bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8);
    await fc.assert(fc.asyncProperty(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 }), fc.boolean(), async (at, byte, cut) => {
      const damaged = Buffer.from(bytes);
      damaged[footer + (at % (bytes.length - footer))] = byte;
      await tableOrDataError(write('f.parquet', cut ? bytes.subarray(0, at) : damaged));
    }), params(300));
  }, timeout(300));
});
