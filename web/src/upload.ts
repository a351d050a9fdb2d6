/**
 * A CSV the user chose or dropped, read in the browser with csv-parse's browser entry into the same
 * column table `chainrule train` builds (src/data/table.ts), with the same encoders (fitInputs,
 * encodeTable, encodeTarget) and the same messages naming the row and the column. The target is the
 * column named, else the last column with two values; every other column (ids left out) is an input.
 */
import { DataError } from '../../src/errors.js';
import type { Table } from '../../src/data/table.js';
import { tableFromCsv } from '../../src/data/csv-text.js';
import * as csvSync from 'csv-parse/browser/esm/sync';
import { provide } from '../../src/on-demand.js';
import { encodeTable, encodeTarget, fitInputs, inferTarget, selectFeatures, type TargetSpec } from '../../src/data/prepare.js';
import type { ModelInput } from '../../src/model/schema.js';

// The page has no require: tableFromCsv's parser is handed over here (src/on-demand.ts).
provide('csv-parse/sync', csvSync);

/** What the page sends the worker: the file's text itself, so both build the identical table. */
export interface UploadSpec {
  file: string;
  text: string;
  target?: string;
}

/** Files larger than this are refused before parsing: the page trains in memory, in a tab. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** The same table and messages as `chainrule train --data` on a file with this text (src/data/csv-text.ts). */
export function readTableText(file: string, text: string): Table {
  return tableFromCsv(text, { file });
}

/**
 * The last column that is a binary target (two values, a recognisable positive). When none is,
 * the last column's own error is the message: it names the row and the value that rule it out.
 */
function guessTarget(table: Table): TargetSpec {
  let lastError: unknown;
  for (let c = table.header.length - 1; c >= 0; c--) {
    try {
      return inferTarget(table, table.header[c]);
    } catch (err) {
      lastError ??= err;
    }
  }
  const why = lastError instanceof Error ? lastError.message : String(lastError);
  throw new DataError(`no column is a binary target (two values such as 0/1, yes/no): ${why}`);
}

export interface UploadedTable {
  file: string;
  target: TargetSpec;
  inputs: ModelInput[];
  header: string[];
  /** Raw fields of every row, for showing a point as the file has it. */
  rows: Record<string, string>[];
  /** The file row of data row r (header = row 1). */
  fileRow: number[];
  X: Float64Array;
  Y: Float64Array;
  trainRows: number[];
  testRows: number[];
}

/** Parses, picks the target and inputs, splits (given order) and encodes with encoders fitted on the training rows. */
export function prepareUpload(spec: UploadSpec, order: (n: number) => number[], trainShare: number): UploadedTable {
  const table = readTableText(spec.file, spec.text);
  if (table.n < 2) throw new DataError(`${spec.file}: at least 2 data rows are needed to train and test, got ${table.n}`);
  const target = spec.target ? inferTarget(table, spec.target) : guessTarget(table);
  const features = selectFeatures(table, { target: target.name });
  const shuffled = order(table.n);
  const nTrain = Math.max(1, Math.min(table.n - 1, Math.round(table.n * trainShare)));
  const trainRows = shuffled.slice(0, nTrain);
  const testRows = shuffled.slice(nTrain);
  const inputs = fitInputs(table, { features, standardize: true, fitRows: trainRows });
  const all = Array.from({ length: table.n }, (_, r) => r);
  const X = encodeTable(table, inputs, all);
  const Y = encodeTarget(table, target, all);
  const rows = all.map((r) => Object.fromEntries(table.header.map((name, c) => [name, fieldOf(table, c, r)])));
  return { file: spec.file, target, inputs, header: table.header, rows, fileRow: all.map((r) => table.row(r)), X, Y, trainRows, testRows };
}

/** A field back as text from the column table (numbers as the parser read them, levels by code). */
function fieldOf(table: Table, c: number, r: number): string {
  const column = table.columns[c]!;
  if (column.numbers) return Number.isNaN(column.numbers[r]) ? '' : String(column.numbers[r]);
  const code = column.codes?.[r] ?? -1;
  return code < 0 ? '' : column.levels[code];
}
