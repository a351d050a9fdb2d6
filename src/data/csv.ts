/**
 * Reading a CSV file into a table of strings: header row required, delimiter detected among
 * `,` `;` and tab from the header line, quoted fields and a BOM handled by csv-parse.
 * Errors name the file and the row.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface Table {
  file: string;
  header: string[];
  rows: string[][];
}

export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

export function detectDelimiter(headerLine: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, headerLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
}

export function readTable(file: string): Table {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code})`}`);
  }
  if (text.includes('\u0000')) throw new DataError(`${file}: not a text file (found a NUL byte)`);
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  if (firstLine.trim() === '') throw new DataError(`${file}: empty file (a header row is required)`);
  let records: string[][];
  try {
    records = parse(text, { bom: true, delimiter: detectDelimiter(firstLine), skip_empty_lines: true, trim: true });
  } catch (err) {
    const e = err as { lines?: number; message: string };
    throw new DataError(`${file}: row ${e.lines ?? '?'}: ${e.message}`);
  }
  const [header, ...rows] = records;
  if (rows.length === 0) throw new DataError(`${file}: header only, no data rows`);
  return { file, header, rows };
}
