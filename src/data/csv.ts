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
import { parse } from 'csv-parse';
import { TableBuilder, DataError, detectDelimiter, type ReadOptions, type Table } from './table.js';

export type { Column, ReadOptions, Table } from './table.js';
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
    const text = head.toString('utf8').replace(/^\uFEFF/, '');
    if (text.trim() === '') throw new DataError(`${file}: empty file (a header row is required)`);
    // Blank lines before the header are skipped by the parser too.
    return text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  } finally {
    await handle.close();
  }
}

/**
 * Line breaks inside (quoted) fields, as csv-parse counts them: it reports the line a record ends
 * on, we name the one it starts on. With every line ending accepted it counts each CR and each LF,
 * so a CRLF inside a field counts twice though it is one line: `crlf` returns those, which shift
 * the count of every later record.
 */
function lineBreaksIn(record: readonly string[]): { counted: number; crlf: number } {
  let counted = 0;
  let crlf = 0;
  for (const field of record) {
    if (!field.includes('\n') && !field.includes('\r')) continue;
    for (let i = 0; i < field.length; i++) {
      const ch = field.charCodeAt(i);
      if (ch === 10 || ch === 13) counted++;
      if (ch === 13 && field.charCodeAt(i + 1) === 10) crlf++;
    }
  }
  return { counted, crlf };
}

/** Streams a CSV file into a Table. Every error is a DataError naming the file (and row, column where there is one). */
export async function readTable(file: string, options: ReadOptions = {}): Promise<Table> {
  const headerLine = await sniff(file);
  let builder: TableBuilder | undefined;
  /** CRLFs inside fields so far: each counted as two lines by the parser. */
  let overcount = 0;
  // on_record hands each record to the builder inside the parser: no per-record objects are queued.
  const parser = parse({
    bom: true, delimiter: detectDelimiter(headerLine), skip_empty_lines: true, trim: true, relax_column_count: true,
    // Every line ending, in any mix: csv-parse otherwise takes the first line's (CRLF) for the whole
    // file, and a file edited on two systems then reads its LF lines as one long record.
    record_delimiter: ['\r\n', '\n', '\r'],
    on_record: (record: string[], context: { lines: number }) => {
      if (!builder) {
        builder = new TableBuilder(file, record, options);
        overcount += lineBreaksIn(record).crlf;
      }
      else {
        const breaks = lineBreaksIn(record);
        builder.add(record, context.lines - breaks.counted - overcount);
        overcount += breaks.crlf;
      }
      return null;
    },
  });
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
    if (err instanceof DataError) throw err;
    const e = err as { lines?: number; message: string; code?: string };
    if (e.code === 'EISDIR' || e.code === 'EACCES') throw new DataError(`${file}: cannot read (${e.code})`);
    throw new DataError(`${file}: row ${e.lines ?? '?'}: ${e.message}`);
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (!builder) throw new DataError(`${file}: empty file (a header row is required)`);
  return builder.finish();
}
