/**
 * One CSV column, stored compactly while it streams in. Two views are kept side by side because the
 * kind of a column is only known at the end: numbers (dropped at the first value that is not a
 * finite number) and codes into the distinct values (dropped once there are more than LEVEL_CAP of
 * them, unless every value so far is distinct and not a number: a string id, kept to be recognised).
 */
import { MISSING_TOKENS } from '../model/encoding.js';

/** A categorical column may have at most this many levels. */
export const LEVEL_CAP = 50;

export interface Column {
  readonly name: string;
  /** Per row: the value as a number, NaN where missing; undefined once a present value is not a finite number. */
  readonly numbers?: Float64Array;
  /** The first present value that is not a finite number, with its data row (0-based). */
  readonly firstNonNumeric?: { row: number; value: string };
  /**
   * Present values that parse as finite numbers and that do not, counted whatever the column
   * turns out to be: a column of numbers with one typo ("8O.5") is told apart from a
   * categorical column by these (see `strayCells` in prepare.ts).
   */
  readonly numericCount?: number;
  readonly nonNumericCount?: number;
  /** Distinct present values in order of first appearance: all of them when `codes` is kept, else the first LEVEL_CAP + 1. */
  readonly levels: readonly string[];
  /** The data row where each of `levels` first appears. */
  readonly levelRows: readonly number[];
  /** Per row: index into `levels`, −1 where missing; undefined when the column has too many levels to keep. */
  readonly codes?: Int32Array;
  /** Count of missing values (MISSING_TOKENS, plus the tokens the reader was given). */
  readonly missing: number;
  /** Data row of the first missing value, −1 when none. */
  readonly firstMissingRow: number;
  /** Every row present and no value repeated, as far as the codes tell (false once codes are dropped). */
  readonly distinct: boolean;
}

function grow<T extends Float64Array | Int32Array>(array: T, make: (n: number) => T): T {
  const next = make(array.length * 2);
  next.set(array);
  return next;
}

export class ColumnBuilder {
  private numbers?: Float64Array = new Float64Array(1024);
  private firstNonNumeric?: { row: number; value: string };
  private codes?: Int32Array = new Int32Array(1024);
  private index? = new Map<string, number>();
  private readonly levels: string[] = [];
  private readonly levelRows: number[] = [];
  private missing = 0;
  private firstMissingRow = -1;
  private distinct = true;
  private numericCount = 0;
  private nonNumericCount = 0;

  /** `missingTokens`: the values read as missing (default MISSING_TOKENS). */
  constructor(readonly name: string, private readonly keepLevels: boolean, private readonly missingTokens: ReadonlySet<string> = MISSING_TOKENS) {}

  /** Adds row r's value, already trimmed (so the missing tokens are looked up as they are). */
  push(value: string, r: number): void {
    if (this.missingTokens.has(value)) {
      this.missing++;
      if (this.firstMissingRow < 0) this.firstMissingRow = r;
      this.distinct = false;
      this.store(NaN, -1, r);
      return;
    }
    // Parsed even after the numbers are dropped, to count; Number('') is 0, but '' is missing.
    const x = Number(value);
    if (Number.isFinite(x)) {
      this.numericCount++;
    } else {
      this.nonNumericCount++;
      if (this.numbers) {
        this.firstNonNumeric = { row: r, value };
        this.numbers = undefined;
      }
    }
    let code = -1;
    if (this.index) {
      const known = this.index.get(value);
      if (known === undefined) {
        code = this.levels.length;
        this.index.set(value, code);
        this.levels.push(value);
        this.levelRows.push(r);
      } else {
        code = known;
        this.distinct = false;
      }
      this.dropLevelsIfTooMany();
    }
    this.store(x, code, r);
  }

  private store(x: number, code: number, r: number): void {
    if (this.numbers) {
      if (r === this.numbers.length) this.numbers = grow(this.numbers, (n) => new Float64Array(n));
      this.numbers[r] = x;
    }
    if (this.codes) {
      if (r === this.codes.length) this.codes = grow(this.codes, (n) => new Int32Array(n));
      this.codes[r] = code;
    }
  }

  private dropLevelsIfTooMany(): void {
    if (this.keepLevels || this.levels.length <= LEVEL_CAP) return;
    // A string column whose values are all distinct so far may be an id: keep it to recognise one.
    if (this.distinct && !this.numbers) return;
    this.index = undefined;
    this.codes = undefined;
    this.distinct = false;
  }

  finish(n: number): Column {
    // After a repeat, a long all-distinct run may have kept more than LEVEL_CAP levels.
    if (this.index && !this.distinct) this.dropLevelsIfTooMany();
    return {
      name: this.name,
      numbers: this.numbers?.subarray(0, n),
      firstNonNumeric: this.firstNonNumeric,
      numericCount: this.numericCount,
      nonNumericCount: this.nonNumericCount,
      levels: this.codes ? this.levels : this.levels.slice(0, LEVEL_CAP + 1),
      levelRows: this.codes ? this.levelRows : this.levelRows.slice(0, LEVEL_CAP + 1),
      codes: this.codes?.subarray(0, n),
      missing: this.missing,
      firstMissingRow: this.firstMissingRow,
      distinct: this.distinct && n > 0,
    };
  }
}
