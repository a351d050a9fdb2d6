/**
 * Schema inference and the encoders: kinds, id-like columns, the level cap, missing values (mean of
 * the training rows only, the "(missing)" level), constant columns, the target, class weights and
 * the split; and the column encoder agrees with encodeRecord, the one the server and explain use.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tableFromRows } from '../../src/data/csv.js';
import { encodeRecord } from '../../src/model/encoding.js';
import {
  balancedWeights, encodeTable, encodeTarget, fitInputs, inferTarget, isIdLike, selectFeatures, stratifiedSplit,
} from '../../src/data/prepare.js';
import { requireColumn } from '../../src/data/csv.js';
import { encodedWidth } from '../../src/model/schema.js';
import { createRng } from '../../src/math/rng.js';

const table = (header: string[], rows: string[][]) => tableFromRows('t.csv', header, rows);

describe('fitInputs', () => {
  const t = table(['age', 'dept', 'rating', 'y'], [
    ['30', 'HR', '3', '0'], ['40', 'IT', '', '1'], ['50', 'HR', '5', '0'], ['60', 'NA', '4', '1'],
  ]);

  it('numeric mean/std (population) over present values of the fit rows only; categorical levels sorted with (missing)', () => {
    const inputs = fitInputs(t, { features: ['age', 'dept', 'rating'], standardize: true, fitRows: [0, 1, 2] });
    expect(inputs[0]).toEqual({ name: 'age', kind: 'numeric', mean: 40, std: Math.sqrt(200 / 3), min: 30, max: 50 });
    expect(inputs[1]).toEqual({ name: 'dept', kind: 'categorical', categories: ['HR', 'IT'] });
    // rating present on fit rows 0 and 2: mean 4, std 1.
    expect(inputs[2]).toEqual({ name: 'rating', kind: 'numeric', mean: 4, std: 1, min: 3, max: 5 });
    const all = fitInputs(t, { features: ['dept'], standardize: true });
    expect(all[0]).toEqual({ name: 'dept', kind: 'categorical', categories: ['(missing)', 'HR', 'IT'] });
  });

  it('a missing numeric value encodes as the training mean, i.e. 0 after standardising', () => {
    const inputs = fitInputs(t, { features: ['rating'], standardize: true, fitRows: [0, 2] });
    expect(Array.from(encodeTable(t, inputs))).toEqual([-1, 0, 1, 0]);
  });

  it('--categorical turns a numeric column into levels; --numeric with a non-number names row and column', () => {
    expect(fitInputs(t, { features: ['rating'], standardize: true, categorical: ['rating'] })[0])
      .toEqual({ name: 'rating', kind: 'categorical', categories: ['(missing)', '3', '4', '5'] });
    expect(() => fitInputs(t, { features: ['dept'], standardize: true, numeric: ['dept'] }))
      .toThrow('t.csv: row 2, column dept: expected a number, got "HR"');
  });

  it('a constant column warns and encodes as 0, never NaN (std 0 is not divided by)', () => {
    const c = table(['k', 'y'], [['7', '0'], ['7', '1'], ['7', '0']]);
    const warnings: string[] = [];
    const inputs = fitInputs(c, { features: ['k'], standardize: true, notify: (m) => warnings.push(m) });
    expect(inputs[0]).toMatchObject({ mean: 7, std: 0 });
    expect(warnings).toEqual(['warning: t.csv: column k is constant (7) in the training rows; it carries no information and is encoded as 0']);
    expect(Array.from(encodeTable(c, inputs))).toEqual([0, 0, 0]);
  });

  it('a category unseen in training encodes as all zeros and is counted per input', () => {
    const inputs = fitInputs(t, { features: ['dept'], standardize: true, fitRows: [0, 1] });
    expect(inputs[0]).toEqual({ name: 'dept', kind: 'categorical', categories: ['HR', 'IT'] });
    const stats = { unknown: {} as Record<string, number> };
    // Rows 2 (HR) and 3 (NA, and the fit rows had no missing value): one known, one unknown.
    expect(Array.from(encodeTable(t, inputs, [2, 3], stats))).toEqual([1, 0, 0, 0]);
    expect(stats.unknown).toEqual({ dept: 1 });
  });

  it('more than 50 levels is refused with a hint at --features', () => {
    const many = table(['c', 'y'], Array.from({ length: 120 }, (_, i) => [`level${i % 60}`, String(i % 2)]));
    expect(() => fitInputs(many, { features: ['c'], standardize: true }))
      .toThrow('t.csv: row 52, column c: a categorical column may have at most 50 levels, this one has more than 50 (the 51st distinct value, "level50", is here); leave it out with --features');
  });
});

describe('id-like columns', () => {
  const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => [f(i), String(i % 2)]);
  it.each([
    ['employee_id', (i: number) => String(10 + 3 * i), true],
    ['row', (i: number) => String(i + 1), false],
    ['code', (i: number) => `E${i}`, false],
    ['staff_id', (i: number) => `E${i}`, true],
    ['userId', (i: number) => String(7 * i), true],
    ['paid', (i: number) => String(7 * i), false],
    ['age', (i: number) => String(20 + 2 * i), false],
    ['employee_id', (i: number) => String(i % 7), false],
    ['score', (i: number) => String(i + 0.5), false],
  ] as const)('%s with values f(i) over 30 rows → id-like %s', (name, f, expected) => {
    const t = table([name, 'y'], rows(30, f));
    expect(isIdLike(requireColumn(t, name), t.n)).toBe(expected);
  });

  it('distinct strings count as an id past 50 rows whatever the name: 51 rows yes, 50 no', () => {
    expect(isIdLike(requireColumn(table(['code', 'y'], rows(51, (i) => `E${i}`)), 'code'), 51)).toBe(true);
    expect(isIdLike(requireColumn(table(['code', 'y'], rows(50, (i) => `E${i}`)), 'code'), 50)).toBe(false);
  });

  it('consecutive integers count as a row number from 100 rows on: 1…100 yes, 1…99 no', () => {
    const t100 = table(['row', 'y'], rows(100, (i) => String(i + 1)));
    const t99 = table(['row', 'y'], rows(99, (i) => String(i + 1)));
    expect(isIdLike(requireColumn(t100, 'row'), 100)).toBe(true);
    expect(isIdLike(requireColumn(t99, 'row'), 99)).toBe(false);
  });

  it('selectFeatures leaves an id out with a notice, keeps it when named in --features', () => {
    const t = table(['employee_id', 'x', 'y'], rows(30, (i) => `${100 + i},${i % 3}`).map(([a, b]) => [...a.split(','), b]));
    const notices: string[] = [];
    expect(selectFeatures(t, { target: 'y', notify: (m) => notices.push(m) })).toEqual(['x']);
    expect(notices[0]).toMatch(/^notice: t\.csv: leaving out column employee_id: it looks like an id/);
    expect(selectFeatures(t, { target: 'y', features: ['employee_id', 'x'] })).toEqual(['employee_id', 'x']);
    expect(() => selectFeatures(t, { target: 'y', features: ['nope'] })).toThrow('t.csv: column "nope" not found (columns: employee_id, x, y)');
  });
});

describe('target', () => {
  it.each([
    [['0', '1'], '1'], [['true', 'false'], 'true'], [['No', 'Yes'], 'Yes'], [['n', 'y'], 'y'],
  ])('values %j → positive %j', (values, positive) => {
    const t = table(['y'], [[values[0]], [values[1]], [values[0]]]);
    expect(inferTarget(t, 'y').positive).toBe(positive);
  });
  it('two other values need --positive; a third value names its row; a missing target names its row', () => {
    const t = table(['y'], [['stay'], ['leave'], ['stay']]);
    expect(() => inferTarget(t, 'y')).toThrow('pass --positive VALUE');
    expect(inferTarget(t, 'y', 'leave')).toEqual({ name: 'y', positive: 'leave' });
    expect(Array.from(encodeTarget(t, { name: 'y', positive: 'leave' }))).toEqual([0, 1, 0]);
    expect(() => inferTarget(table(['y'], [['0'], ['1'], ['1'], ['2']]), 'y'))
      .toThrow('t.csv: row 5, column y: target must have two values, found a third: "2" (after "0", "1")');
    expect(() => inferTarget(table(['y'], [['0'], [''], ['1']]), 'y')).toThrow('t.csv: row 3, column y: the target is missing');
    expect(() => inferTarget(table(['x'], [['0']]), 'y')).toThrow('t.csv: target column "y" not found (columns: x)');
  });
});

describe('encodeTable agrees with encodeRecord (property)', () => {
  const value = fc.oneof(fc.constantFrom('', 'NA', '?', 'a', 'b', 'c'), fc.integer({ min: -50, max: 50 }).map(String));
  it('random tables of a numeric, a categorical and a mixed column, fitted on a random half', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: -9, max: 9 }).map(String), fc.constantFrom('x', 'y', 'z', ''), value), { minLength: 4, maxLength: 30 }),
      fc.integer({ min: 1, max: 1000 }),
      (rows, seed) => {
        const t = table(['n', 'c', 'm'], rows.map((r) => [...r]));
        const rng = createRng(seed);
        const fitRows = rows.map((_, i) => i).filter(() => rng.next() < 0.5);
        if (fitRows.length === 0) fitRows.push(0);
        // A column with no value at all reads as numeric (every present value parses) and is
        // refused, naming it: there is no mean to impute with.
        if (rows.every((r) => r[1] === '')) {
          expect(() => fitInputs(t, { features: ['n', 'c', 'm'], standardize: true, fitRows, categorical: ['m'] }))
            .toThrow('column c: no values in the training rows (all missing)');
          return;
        }
        const inputs = fitInputs(t, { features: ['n', 'c', 'm'], standardize: true, fitRows, categorical: ['m'] });
        const X = encodeTable(t, inputs);
        const width = encodedWidth(inputs);
        const expected = new Float64Array(rows.length * width);
        rows.forEach((r, i) => encodeRecord(inputs, { n: r[0], c: r[1], m: r[2] }, expected, i * width));
        expect(Array.from(X)).toEqual(Array.from(expected));
      },
    ), { numRuns: 200 });
  });
});

describe('class weights and the split', () => {
  it('balanced weights are n/(2·n_c): 8 rows with 2 positives → 2 for positives, 2/3 for negatives; they sum to n', () => {
    const y = Float64Array.from([0, 1, 0, 0, 0, 1, 0, 0]);
    const w = balancedWeights(y);
    expect(Array.from(w)).toEqual([8 / 12, 2, 8 / 12, 8 / 12, 8 / 12, 2, 8 / 12, 8 / 12]);
    expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(8, 12);
  });
  it('stratified split of 100 rows (10 positive) at 0.2 holds out 2 positives and 18 negatives, disjoint, seeded', () => {
    const y = Float64Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const a = stratifiedSplit(y, 0.2, createRng(5).next);
    expect(a.val.filter((i) => y[i] === 1)).toHaveLength(2);
    expect(a.val).toHaveLength(20);
    expect(new Set([...a.train, ...a.val]).size).toBe(100);
    expect(stratifiedSplit(y, 0.2, createRng(5).next)).toEqual(a);
  });
});
