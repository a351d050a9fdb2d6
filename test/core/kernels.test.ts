/** The Float64 kernels against plain nested-loop products on random shapes (fast-check, fixed seed). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBiasRows, allFinite, matmul, matmulTransA, matmulTransB, sumRows } from '../../src/math/kernels.js';
import { testRandom } from '../nn/bridge.js';

const shapeArb = fc.record({
  m: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 1, max: 9 }),
  seed: fc.integer({ min: 0, max: 1e9 }),
});

function randomMatrix(rand: () => number, rows: number, cols: number): number[][] {
  // Some exact zeros, since the kernels skip them.
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rand() < 0.15 ? 0 : 4 * rand() - 2)));
}

const transpose = (A: number[][]) => A[0].map((_, j) => A.map((row) => row[j]));
const product = (A: number[][], B: number[][]) =>
  A.map((row) => B[0].map((_, j) => row.reduce((s, a, p) => s + a * B[p][j], 0)));

function expectMatrix(out: Float64Array, want: number[][]): void {
  const cols = want[0].length;
  want.forEach((row, i) => row.forEach((v, j) => expect(out[i * cols + j]).toBeCloseTo(v, 12)));
}

/** A buffer pre-filled with garbage, to show the kernels overwrite rather than accumulate. */
const dirty = (len: number) => new Float64Array(len).fill(123.456);

describe('kernels equal nested-loop products (fast-check seed 3, 200 runs each)', () => {
  it('matmulTransB: out[m×n] = A[m×k]·Bᵀ with B [n×k]', () => {
    fc.assert(fc.property(shapeArb, ({ m, n, k, seed }) => {
      const rand = testRandom(seed);
      const A = randomMatrix(rand, m, k);
      const B = randomMatrix(rand, n, k);
      const out = dirty(m * n);
      matmulTransB(out, Float64Array.from(A.flat()), Float64Array.from(B.flat()), m, k, n);
      expectMatrix(out, product(A, transpose(B)));
    }), { seed: 3, numRuns: 200 });
  });

  it('matmulTransA: out[n×k] = Aᵀ·B with A [m×n], B [m×k]', () => {
    fc.assert(fc.property(shapeArb, ({ m, n, k, seed }) => {
      const rand = testRandom(seed);
      const A = randomMatrix(rand, m, n);
      const B = randomMatrix(rand, m, k);
      const out = dirty(n * k);
      matmulTransA(out, Float64Array.from(A.flat()), Float64Array.from(B.flat()), m, n, k);
      expectMatrix(out, product(transpose(A), B));
    }), { seed: 3, numRuns: 200 });
  });

  it('matmul: out[m×k] = A[m×n]·B[n×k]', () => {
    fc.assert(fc.property(shapeArb, ({ m, n, k, seed }) => {
      const rand = testRandom(seed);
      const A = randomMatrix(rand, m, n);
      const B = randomMatrix(rand, n, k);
      const out = dirty(m * k);
      matmul(out, Float64Array.from(A.flat()), Float64Array.from(B.flat()), m, n, k);
      expectMatrix(out, product(A, B));
    }), { seed: 3, numRuns: 200 });
  });

  it('addBiasRows and sumRows on a 3×2 matrix', () => {
    const Z = Float64Array.of(1, 2, 3, 4, 5, 6);
    addBiasRows(Z, Float64Array.of(10, -1), 3, 2);
    expect(Array.from(Z)).toEqual([11, 1, 13, 3, 15, 5]);
    const out = dirty(2);
    sumRows(out, Z, 3, 2);
    expect(Array.from(out)).toEqual([39, 9]);
  });

  it('allFinite: false for NaN, +Infinity, −Infinity anywhere in range; ignores elements past len', () => {
    expect(allFinite(Float64Array.of(1, -2, 0, 1e308))).toBe(true);
    expect(allFinite(Float64Array.of(1, NaN))).toBe(false);
    expect(allFinite(Float64Array.of(Infinity, 1))).toBe(false);
    expect(allFinite(Float64Array.of(1, -Infinity))).toBe(false);
    expect(allFinite(Float64Array.of(1, 2, NaN), 2)).toBe(true);
  });
});

describe('kernels do not read past the given shapes', () => {
  it('matmulTransB on the first 2 rows of a 4-row buffer leaves out[4..] untouched', () => {
    const rand = testRandom(1);
    const A = Float64Array.from({ length: 12 }, () => rand());
    const B = Float64Array.from({ length: 6 }, () => rand());
    const out = dirty(8);
    matmulTransB(out, A, B, 2, 3, 2);
    expect(Array.from(out.subarray(4))).toEqual([123.456, 123.456, 123.456, 123.456]);
  });
});
