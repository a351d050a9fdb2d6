/**
 * Reading a Parquet file (hyparquet, pure JS) into the same column table as a CSV. Only the
 * columns asked for are decoded, one row group at a time, so memory stays that of the columns.
 * Typed values become the cells a CSV of the same data would hold (typed-cells.ts): the same
 * inference, missing tokens and encoders apply, and a string column of numbers with one typo is
 * the same exit-2 error. Row numbers count as in that CSV: the header is row 1, the first data row
 * is row 2.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, FileMetaData, SchemaTree } from 'hyparquet';
import { DataError, TableBuilder, type ReadOptions, type Table } from './table.js';
import { CellError, cellText } from './typed-cells.js';

/** hyparquet's message, quoted as the cause of a file that cannot be read. */
function cannotRead(file: string, err: unknown): DataError {
  if (err instanceof DataError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new DataError(`${file}: no such file`);
  if (code) return new DataError(`${file}: cannot read (${code})`);
  const message = (err as Error).message;
  // No Parquet magic at the end: most likely text with a .parquet name.
  const hint = message.includes('PAR1') ? '; if it is CSV, --format csv reads it as such' : '';
  return new DataError(`${file}: not a readable Parquet file (${message})${hint}`);
}

/** The file, its metadata and its top-level columns; a damaged footer or schema is a DataError. */
async function openParquet(file: string): Promise<{ buffer: AsyncBuffer; metadata: FileMetaData; columns: SchemaTree[] }> {
  try {
    const buffer = await asyncBufferFromFile(file);
    if (buffer.byteLength === 0) throw new DataError(`${file}: empty file (not a Parquet file)`);
    const metadata = await parquetMetadataAsync(buffer);
    return { buffer, metadata, columns: parquetSchema(metadata).children };
  } catch (err) {
    throw cannotRead(file, err);
  }
}

function isDate(column: SchemaTree): boolean {
  return column.element.converted_type === 'DATE' || column.element.logical_type?.type === 'DATE';
}

/** Reads a Parquet file into a Table. Every error is a DataError naming the file (and row, column where there is one). */
export async function readParquetTable(file: string, options: ReadOptions = {}): Promise<Table> {
  const { buffer, metadata, columns } = await openParquet(file);
  const header = columns.map((column) => column.element.name);
  // Resolved once here, so that only the stored columns are decoded.
  const only = typeof options.only === 'function' ? options.only(header) : options.only;
  const builder = new TableBuilder(file, header, { ...options, only });
  const wanted = columns.map((_, c) => c).filter((c) => !only || only.includes(header[c]));
  for (const c of wanted) {
    if (columns[c].children.length > 0) {
      throw new DataError(`${file}: column ${header[c]}: a nested Parquet column (a list, map or struct); chainrule reads flat columns of numbers, strings and booleans`);
    }
  }
  const dates = wanted.map((c) => isDate(columns[c]));
  const record = new Array<string>(header.length).fill('');
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: unknown[][] = [];
    if (wanted.length > 0) try {
      await parquetRead({
        file: buffer, metadata, rowStart, rowEnd, rowFormat: 'array',
        columns: wanted.map((c) => header[c]),
        onComplete: (decoded: unknown[][]) => { rows = decoded; },
      });
    } catch (err) {
      throw cannotRead(file, err);
    }
    // A damaged footer may promise more rows than the pages hold: refuse rather than pad.
    if (wanted.length > 0 && rows.length !== rowEnd - rowStart) {
      throw new DataError(`${file}: not a readable Parquet file (a row group of ${rowEnd - rowStart} rows per its metadata decoded ${rows.length})`);
    }
    for (let i = 0; i < rowEnd - rowStart; i++) {
      const row = rows[i] ?? [];
      const line = rowStart + i + 2;
      for (let k = 0; k < wanted.length; k++) record[wanted[k]] = cell(file, row[k], line, header[wanted[k]], dates[k]);
      builder.add(record, line);
    }
    rowStart = rowEnd;
  }
  return builder.finish();
}

function cell(file: string, value: unknown, line: number, name: string, date: boolean): string {
  try {
    const text = cellText(value);
    // A DATE column holds days: its ISO timestamp is always midnight UTC, so the day is the value.
    return date && value instanceof Date ? text.slice(0, 10) : text;
  } catch (err) {
    if (err instanceof CellError) throw new DataError(`${file}: row ${line}, column ${name}: ${err.message}`);
    throw err;
  }
}
