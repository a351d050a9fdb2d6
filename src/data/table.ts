/**
 * The column table a CSV becomes, and the checks on its header and records, without any file or
 * stream: csv.ts streams a file into it in Node, and the playground builds one in the browser from
 * csv-parse's browser entry, so both get the same columns, encoders and error messages.
 */
import { ColumnBuilder, type Column } from './column.js';
import { DataError } from '../errors.js';
import { MISSING_TOKENS } from '../model/encoding.js';

export type { Column } from './column.js';
export { LEVEL_CAP } from './column.js';

export interface Table {
  file: string;
  header: string[];
  /** Number of data rows. */
  n: number;
  /** One per header name, in header order; a column not asked for (see ReadOptions.only) is undefined. */
  columns: (Column | undefined)[];
  /** The file row of data row r (0-based): the header is row 1, so usually r + 2. */
  row(r: number): number;
  /** The values read as missing besides MISSING_TOKENS (ReadOptions.missing), when there were any: train records them in the model. */
  missing?: readonly string[];
}

export { DataError };

export interface ReadOptions {
  /**
   * Store only these columns (others are checked for their field count only), or a function of the
   * header that returns them (it may throw a DataError, e.g. for an absent target). Default: all.
   */
  only?: readonly string[] | ((header: readonly string[]) => readonly string[]);
  /** Keep every distinct value of these columns even past LEVEL_CAP (declared categorical). */
  keepLevels?: readonly string[];
  /** More values to read as missing, besides MISSING_TOKENS (`--missing -,unknown`). */
  missing?: readonly string[];
}

const DELIMITERS = [',', ';', '\t'] as const;

/** The delimiter among `,` `;` tab that occurs most often outside quotes in the header line (`,` when none does). */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  let most = 0;
  for (const [d, c] of counts) {
    if (c > most) {
      best = d;
      most = c;
    }
  }
  return best;
}

export function columnOf(table: Table, name: string): Column | undefined {
  const at = table.header.indexOf(name);
  return at < 0 ? undefined : table.columns[at];
}

/** The column by name, or a DataError naming the file and listing the columns. */
export function requireColumn(table: Table, name: string, what = 'column'): Column {
  const column = columnOf(table, name);
  if (!column) throw new DataError(`${table.file}: ${what} "${name}" not found (columns: ${table.header.join(', ')})`);
  return column;
}

/** Accumulates parsed records into columns; shared by the file reader and `tableFromRows`. */
export class TableBuilder {
  private readonly builders: (ColumnBuilder | undefined)[];
  private lines = new Uint32Array(1024);
  private n = 0;
  private shifted = false;
  private readonly extraMissing: string[];

  constructor(private readonly file: string, readonly header: string[], options: ReadOptions) {
    const seen = new Set<string>();
    header.forEach((name, c) => {
      if (seen.has(name)) throw new DataError(`${file}: row 1, column ${c + 1}: duplicate column name ${JSON.stringify(name)}`);
      seen.add(name);
    });
    const only = typeof options.only === 'function' ? options.only(header) : options.only;
    this.extraMissing = extraMissing(options.missing);
    const missing = this.extraMissing.length ? new Set([...MISSING_TOKENS, ...this.extraMissing]) : MISSING_TOKENS;
    this.builders = header.map((name) => (only && !only.includes(name)
      ? undefined
      : new ColumnBuilder(name, options.keepLevels?.includes(name) ?? false, missing)));
  }

  add(record: readonly string[], line: number): void {
    const { header, file } = this;
    if (record.length !== header.length) {
      const detail = record.length < header.length
        ? `column ${header[record.length]} is missing`
        : `extra field ${JSON.stringify(record[header.length])} after column ${header[header.length - 1]}`;
      throw new DataError(`${file}: row ${line}: expected ${header.length} fields as in the header, got ${record.length} (${detail})`);
    }
    const r = this.n;
    for (let c = 0; c < record.length; c++) {
      const value = record[c];
      if (value.includes('\u0000')) throw new DataError(`${file}: row ${line}, column ${header[c]}: not a text file (a NUL byte in a field)`);
      this.builders[c]?.push(value, r);
    }
    if (r === this.lines.length) {
      const grown = new Uint32Array(this.lines.length * 2);
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[r] = line;
    if (line !== r + 2) this.shifted = true;
    this.n++;
  }

  finish(): Table {
    if (this.n === 0) throw new DataError(`${this.file}: header only, no data rows`);
    const lines = this.shifted ? this.lines.subarray(0, this.n) : undefined;
    return {
      file: this.file,
      header: this.header,
      n: this.n,
      columns: this.builders.map((b) => b?.finish(this.n)),
      row: lines ? (r) => lines[r] : (r) => r + 2,
      ...(this.extraMissing.length ? { missing: this.extraMissing } : {}),
    };
  }
}

/** The given missing tokens, trimmed, without the defaults and repeats: what a model file records. */
export function extraMissing(tokens: readonly string[] = []): string[] {
  return [...new Set(tokens.map((t) => t.trim()))].filter((t) => !MISSING_TOKENS.has(t));
}

/** A table from rows already in memory (tests, small inputs); the same checks as the file reader. */
export function tableFromRows(file: string, header: string[], rows: readonly (readonly string[])[], options: ReadOptions = {}): Table {
  const builder = new TableBuilder(file, header.map((h) => h.trim()), options);
  rows.forEach((row, r) => builder.add(row.map((v) => v.trim()), r + 2));
  return builder.finish();
}
