/**
 * One small data set written three ways (CSV, Parquet through hyparquet-writer, NDJSON), for the
 * tests that the three give the same table and the same model. Typed where the format has types:
 * DOUBLE and INT32 numbers, STRING categories, BOOLEAN, nulls; in NDJSON a missing value is null
 * on some rows and an absent key on others.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer';
import { createRng } from '../../src/math/rng.js';

export interface Row {
  years: number;
  score: number | null;
  dept: string | null;
  remote: boolean;
  promoted: number;
}

export const HEADER = ['years', 'score', 'dept', 'remote', 'promoted'] as const;

/** `n` seeded rows; the first has every value (so NDJSON's first line has every key, in header order). */
export function fixtureRows(n = 120, seed = 11): Row[] {
  const rng = createRng(seed);
  const depts = ['Sales', 'HR', 'R&D'];
  return Array.from({ length: n }, (_, i) => {
    const years = Math.round(rng.next() * 200) / 10;
    const score = i > 0 && i % 17 === 0 ? null : Math.round(rng.next() * 1000) / 10 + 0.25;
    const dept = i > 0 && i % 23 === 0 ? null : depts[Math.floor(rng.next() * 3)];
    const remote = rng.next() < 0.4;
    const promoted = years * 3 + (score ?? 50) / 2 + (dept === 'R&D' ? 10 : 0) + rng.next() * 20 > 60 ? 1 : 0;
    return { years, score, dept, remote, promoted };
  });
}

export function writeCsv(dir: string, rows: readonly Row[], name = 'data.csv'): string {
  const cell = (v: unknown) => (v === null ? '' : String(v));
  const lines = [HEADER.join(','), ...rows.map((r) => HEADER.map((h) => cell(r[h])).join(','))];
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

export function writeNdjson(dir: string, rows: readonly Row[], name = 'data.ndjson'): string {
  const lines = rows.map((r, i) => {
    const object: Record<string, unknown> = { ...r };
    // Every other missing value as an absent key rather than null: both read as missing.
    for (const h of HEADER) if (object[h] === null && i % 2 === 0) delete object[h];
    return JSON.stringify(object);
  });
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

export function writeParquet(dir: string, columnData: ColumnSource[], name = 'data.parquet', rowGroupSize?: number): string {
  const filename = join(dir, name);
  parquetWriteFile({ filename, columnData, ...(rowGroupSize ? { rowGroupSize } : {}) });
  return filename;
}

/** The fixture's columns, typed; small row groups so that reading crosses row-group boundaries. */
export function writeFixtureParquet(dir: string, rows: readonly Row[], name = 'data.parquet'): string {
  return writeParquet(dir, [
    { name: 'years', data: rows.map((r) => r.years), type: 'DOUBLE' },
    { name: 'score', data: rows.map((r) => r.score), type: 'DOUBLE', nullable: true },
    { name: 'dept', data: rows.map((r) => r.dept), type: 'STRING', nullable: true },
    { name: 'remote', data: rows.map((r) => r.remote), type: 'BOOLEAN' },
    { name: 'promoted', data: rows.map((r) => r.promoted), type: 'INT32' },
  ], name, 50);
}
