/**
 * K-fold splits for cross-validation, and tables that hold a subset of another table's rows.
 * Browser-safe: no I/O.
 */
import type { Column } from './column.js';
import type { Table } from './csv.js';

/**
 * Seeded stratified K-fold: each class's rows are shuffled, then dealt round-robin to the folds,
 * the deal of the second class continuing where the first left off, so fold sizes differ by at
 * most one and each fold's class mix is the data's (scikit-learn's StratifiedKFold does the same
 * in spirit). Returns each fold's held-out rows, ascending; together they partition 0…n−1.
 * Labels are grouped by value, so a multi-class task can use the same function.
 */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, next: () => number): number[][] {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const rows = byClass.get(labels[i]);
    if (rows) rows.push(i);
    else byClass.set(labels[i], [i]);
  }
  const folds: number[][] = Array.from({ length: k }, () => []);
  let dealt = 0;
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = byClass.get(cls) as number[];
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    for (const row of idx) folds[dealt++ % k].push(row);
  }
  return folds.map((rows) => rows.sort((a, b) => a - b));
}

/** The rows 0…n−1 not in `held` (ascending). */
export function complement(n: number, held: readonly number[]): number[] {
  const out = new Uint8Array(n);
  for (const r of held) out[r] = 1;
  const rows: number[] = [];
  for (let r = 0; r < n; r++) if (!out[r]) rows.push(r);
  return rows;
}

function subsetColumn(column: Column, rows: readonly number[]): Column {
  const numbers = column.numbers ? Float64Array.from(rows, (r) => (column.numbers as Float64Array)[r]) : undefined;
  const codes = column.codes ? Int32Array.from(rows, (r) => (column.codes as Int32Array)[r]) : undefined;
  let missing = 0;
  let firstMissingRow = -1;
  rows.forEach((r, i) => {
    const absent = codes ? codes[i] < 0 : numbers ? Number.isNaN(numbers[i]) : false;
    if (!absent) return;
    missing++;
    if (firstMissingRow < 0) firstMissingRow = i;
  });
  // Levels stay the whole table's (in its order): encoders are fitted from the codes each row has,
  // so a level no row of the subset has is simply not used. levelRows and firstNonNumeric only
  // feed error messages of checks that cross-validation runs on the whole table first (planFolds);
  // where their row is not in the subset they point at its first row.
  const at = new Map(rows.map((r, i) => [r, i]));
  const firstNonNumeric = column.firstNonNumeric && at.has(column.firstNonNumeric.row)
    ? { row: at.get(column.firstNonNumeric.row) as number, value: column.firstNonNumeric.value }
    : column.firstNonNumeric && { row: 0, value: column.firstNonNumeric.value };
  return {
    name: column.name, numbers, codes, levels: column.levels, levelRows: column.levelRows.map((r) => at.get(r) ?? 0),
    missing, firstMissingRow, distinct: column.distinct && missing === 0, firstNonNumeric,
  };
}

/** A table of `rows` of `table` (in that order); its row(r) is the file row of the original row. */
export function subsetTable(table: Table, rows: readonly number[]): Table {
  return {
    file: table.file,
    header: table.header,
    n: rows.length,
    columns: table.columns.map((column) => (column ? subsetColumn(column, rows) : undefined)),
    row: (r) => table.row(rows[r]),
  };
}

/** A table as plain data (typed arrays and strings), for a worker thread: `row` becomes a lookup. */
export interface PortableTable {
  file: string;
  header: string[];
  n: number;
  columns: (Column | undefined)[];
  fileRows: Int32Array;
}

export function portableTable(table: Table): PortableTable {
  return {
    file: table.file, header: table.header, n: table.n,
    columns: table.columns.map((c) => c && { ...c }),
    fileRows: Int32Array.from({ length: table.n }, (_, r) => table.row(r)),
  };
}

export function tableFromPortable(p: PortableTable): Table {
  return { file: p.file, header: p.header, n: p.n, columns: p.columns, row: (r) => p.fileRows[r] };
}
