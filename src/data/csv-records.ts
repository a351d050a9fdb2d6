/**
 * What the CSV file reader (csv.ts, Node streams) and the CSV text reader (csv-text.ts, csv-parse's
 * browser entry) share: the header-line checks, csv-parse's options and the record handler that
 * feeds the TableBuilder. Both parsers are the same csv-parse code, so with one set of options the
 * same text gives the same table and the same messages, in Node and in a browser.
 */
import { TableBuilder, DataError, detectDelimiter, type ReadOptions, type Table } from './table.js';

/**
 * The header line of decoded CSV text (for delimiter detection), after the checks every reader
 * makes: no NUL character, not empty.
 */
export function headerLineOf(file: string, text: string): string {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw new DataError(`${file}: not a text file (a NUL byte at character ${nul}; CSV must be UTF-8 text)`);
  const clean = text.replace(/^\uFEFF/, '');
  if (clean.trim() === '') throw new DataError(`${file}: empty file (a header row is required)`);
  // Blank lines before the header are skipped by the parser too.
  return clean.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
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

/** csv-parse's options for one file (its `on_record` fills the table), and the table at the end. */
export interface CsvRecords {
  parserOptions: {
    bom: true; delimiter: string; skip_empty_lines: true; trim: true; relax_column_count: true;
    record_delimiter: string[];
    on_record: (record: string[], context: { lines: number }) => null;
  };
  /** The table of every record seen; a DataError when there was not even a header. */
  finish(): Table;
  /** A parser error as a DataError naming the file and the row (a DataError of ours passes through). */
  failure(err: unknown): DataError;
}

export function csvRecords(file: string, headerLine: string, options: ReadOptions): CsvRecords {
  let builder: TableBuilder | undefined;
  /** CRLFs inside fields so far: each counted as two lines by the parser. */
  let overcount = 0;
  return {
    // on_record hands each record to the builder inside the parser: no per-record objects are queued.
    parserOptions: {
      bom: true, delimiter: detectDelimiter(headerLine), skip_empty_lines: true, trim: true, relax_column_count: true,
      // Every line ending, in any mix: csv-parse otherwise takes the first line's (CRLF) for the whole
      // file, and a file edited on two systems then reads its LF lines as one long record.
      record_delimiter: ['\r\n', '\n', '\r'],
      on_record: (record, context) => {
        const breaks = lineBreaksIn(record);
        if (!builder) builder = new TableBuilder(file, record, options);
        else builder.add(record, context.lines - breaks.counted - overcount);
        overcount += breaks.crlf;
        return null;
      },
    },
    finish() {
      if (!builder) throw new DataError(`${file}: empty file (a header row is required)`);
      return builder.finish();
    },
    failure(err) {
      if (err instanceof DataError) return err;
      const e = err as { lines?: number; message: string };
      return new DataError(`${file}: row ${e.lines ?? '?'}: ${e.message}`);
    },
  };
}
