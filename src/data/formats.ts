/**
 * The data file formats `--data` reads, chosen by the file's extension unless `--format` names
 * one: a file of any other extension is read as CSV, as every file was before there were others.
 */
import type { ReadOptions } from './table.js';

export const DATA_FORMATS = ['csv', 'parquet', 'ndjson'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

export interface FileReadOptions extends ReadOptions {
  /** The file's format; default: by extension (`.parquet`; `.ndjson`, `.jsonl`; anything else CSV). */
  format?: DataFormat;
}

const BY_EXTENSION: ReadonlyMap<string, DataFormat> = new Map([['parquet', 'parquet'], ['ndjson', 'ndjson'], ['jsonl', 'ndjson']]);

/** The format of `file` by its extension (case-insensitive): CSV unless it is a Parquet or NDJSON one. */
export function formatOf(file: string): DataFormat {
  const dot = file.lastIndexOf('.');
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return dot > slash ? BY_EXTENSION.get(file.slice(dot + 1).toLowerCase()) ?? 'csv' : 'csv';
}
