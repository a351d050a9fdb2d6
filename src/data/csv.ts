/**
 * Reading a CSV file into a compact column table, streaming (csv-parse's stream API), so a file of
 * a million rows is never held as text or as per-row string objects: each column keeps its values
 * as numbers (Float64Array) while they all parse as numbers, and as small-int codes into its
 * distinct values while those are few (or all distinct, for string ids). Header row required,
 * delimiter detected among `,` `;` and tab, quoted fields and a UTF-8 BOM handled by csv-parse.
 * Errors name the file, the row (the header is row 1) and the column.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { DataError, type ReadOptions, type Table } from './table.js';
import { csvRecords, headerLineOf } from './csv-records.js';
import { formatOf, type FileReadOptions } from './formats.js';

export type { Column, ReadOptions, Table } from './table.js';
export { DATA_FORMATS, formatOf, type DataFormat, type FileReadOptions } from './formats.js';
export { LEVEL_CAP, DataError, columnOf, detectDelimiter, requireColumn, tableFromRows } from './table.js';

const SNIFF_BYTES = 64 * 1024;

/** The first bytes of the file, checked for being text; returns the header line for delimiter detection. */
async function sniff(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code})`}`);
  }
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    let length: number;
    try {
      ({ bytesRead: length } = await handle.read(buffer, 0, SNIFF_BYTES, 0));
    } catch (err) {
      throw new DataError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const head = buffer.subarray(0, length);
    const nul = head.indexOf(0);
    if (nul >= 0) throw new DataError(`${file}: not a text file (a NUL byte at byte ${nul}; CSV must be UTF-8 text)`);
    try {
      // stream: true tolerates a multi-byte character cut at the end of the sniffed block.
      new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    } catch {
      throw new DataError(`${file}: not a text file (not valid UTF-8 in the first ${length} bytes; save the CSV as UTF-8)`);
    }
    return headerLineOf(file, head.toString('utf8'));
  } finally {
    await handle.close();
  }
}

/**
 * Reads a data file into a Table, the one reader every command's `--data` goes through: the format
 * from `options.format`, else from the extension (formats.ts); Parquet and NDJSON readers load on
 * first use.
 */
export async function readTable(file: string, options: FileReadOptions = {}): Promise<Table> {
  const format = options.format ?? formatOf(file);
  switch (format) {
    case 'csv': return readCsvTable(file, options);
    case 'parquet': return (await import('./parquet.js')).readParquetTable(file, options);
    case 'ndjson': return (await import('./ndjson.js')).readNdjsonTable(file, options);
    default: throw new Error(`unknown data format ${format satisfies never}`);
  }
}

/** Streams a CSV file into a Table. Every error is a DataError naming the file (and row, column where there is one). */
export async function readCsvTable(file: string, options: ReadOptions = {}): Promise<Table> {
  // Loaded on first read, not with the library entry (DESIGN.md: parsers load on first use).
  const { parse } = await import('csv-parse');
  const records = csvRecords(file, await sniff(file), options);
  const parser = parse(records.parserOptions);
  const input = createReadStream(file);
  try {
    await new Promise<void>((resolve, reject) => {
      input.on('error', reject);
      parser.on('error', reject);
      parser.on('end', resolve);
      input.pipe(parser);
      parser.resume();
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EISDIR' || code === 'EACCES') throw new DataError(`${file}: cannot read (${code})`);
    throw records.failure(err);
  } finally {
    input.destroy();
    parser.destroy();
  }
  return records.finish();
}
