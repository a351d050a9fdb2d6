/**
 * CSV text already in memory (a file the user picked in a browser, a fetch body) into the column
 * table, with csv-parse's synchronous parser (its browser build in a bundle, on-demand.ts): no
 * stream, no Buffer, so it runs in a page or a worker as in Node. Same options and record handler
 * as the file reader (csv-records.ts): the same text gives the same table and the same messages as
 * `readCsv` on a file holding it.
 */
import { onDemand } from '../on-demand.js';
import { csvRecords, headerLineOf } from './csv-records.js';
import type { ReadOptions, Table } from './table.js';

export interface CsvTextOptions extends ReadOptions {
  /** The name error messages start with (`data.csv: row 7, column salary: …`). Default `csv`. */
  file?: string;
}

/**
 * Parses CSV text (header row required; `,` `;` or tab detected; quotes, a BOM and any mix of line
 * endings handled) into a table for `train`, `evaluateModel` and the rest.
 *
 * @throws DataError naming the file (`options.file`), the row and the column.
 */
export function tableFromCsv(text: string, options: CsvTextOptions = {}): Table {
  const { file = 'csv', ...read } = options;
  const records = csvRecords(file, headerLineOf(file, text), read);
  try {
    // Required on first use (on-demand.ts): the parser is a tenth of the library's import time.
    onDemand('csv-parse/sync').parse(text, records.parserOptions);
  } catch (err) {
    throw records.failure(err);
  }
  return records.finish();
}
