/**
 * Reading an NDJSON (JSON Lines) file into the same column table as a CSV: one JSON object per
 * line, blank lines skipped. The columns are the union of the objects' keys in order of first
 * appearance, and a key absent from a line is missing there (as null is), so records written by
 * different versions of a producer still line up. Two passes over the file, each parsing one line
 * at a time: the first finds the keys (a header must be known before the first row is stored),
 * the second stores the values; memory stays that of the columns. Row numbers are line numbers.
 * Keys come in JavaScript's object order, which puts integer-like keys ("2") before the others.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DataError, TableBuilder, type ReadOptions, type Table } from './table.js';
import { CellError, cellText } from './typed-cells.js';

/** Each non-blank line parsed, with its 1-based line number. */
async function forEachObject(file: string, visit: (object: Record<string, unknown>, line: number) => void): Promise<void> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      visit(parseLine(file, text, line), line);
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (err as Error).message})`}`);
  } finally {
    lines.close();
    input.destroy();
  }
}

function parseLine(file: string, text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DataError(`${file}: line ${line}: not valid JSON (${(err as Error).message}); NDJSON has one JSON object per line`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new DataError(`${file}: line ${line}: expected a JSON object such as {"x": 1}, got ${kind}`);
  }
  return value as Record<string, unknown>;
}

/** Reads an NDJSON file into a Table. Every error is a DataError naming the file and the line (and key). */
export async function readNdjsonTable(file: string, options: ReadOptions = {}): Promise<Table> {
  const keys = new Map<string, number>();
  await forEachObject(file, (object, line) => {
    for (const key of Object.keys(object)) {
      cell(file, object[key], line, key);
      if (!keys.has(key)) keys.set(key, keys.size);
    }
  });
  if (keys.size === 0) throw new DataError(`${file}: empty file (no JSON objects with keys)`);
  const header = [...keys.keys()];
  const builder = new TableBuilder(file, header, options);
  const record: string[] = new Array<string>(header.length);
  await forEachObject(file, (object, line) => {
    for (let c = 0; c < header.length; c++) {
      // Own keys only: an absent "constructor" must not read Object.prototype's.
      const key = header[c];
      record[c] = Object.hasOwn(object, key) ? cell(file, object[key], line, key) : '';
    }
    builder.add(record, line);
  });
  return builder.finish();
}

function cell(file: string, value: unknown, line: number, key: string): string {
  try {
    return cellText(value);
  } catch (err) {
    if (err instanceof CellError) throw new DataError(`${file}: line ${line}, key ${JSON.stringify(key)}: ${err.message}`);
    throw err;
  }
}
