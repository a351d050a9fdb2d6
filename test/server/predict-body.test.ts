/**
 * POST /predict's one-pass fast path (src/server/predict-body.ts) against the general path it
 * stands in for (requests.ts parsePredictBody, then predict.ts predictRecords: zod, the column
 * rule, the encoders), on fuzzed bodies of good and bad rows for a binary, a multiclass and a
 * regression model: where the general path answers, the fast path must answer too (it really
 * ran) with the same numbers bit for bit and the same unknown-category counts; where the general
 * path refuses, the fast path must give up, and /predict must throw the general path's error
 * (message, field, row). And the reply text through fast-json-stringify (predict-reply.ts) must
 * be JSON.stringify's text of the same object.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelToNetwork } from '../../src/model/convert.js';
import type { ModelFile } from '../../src/model/schema.js';
import { parseModel } from '../../src/model/schema.js';
import { buildApp } from '../../src/server/app.js';
import { predictRecords } from '../../src/server/predict.js';
import { predictBody, predictRowsBody } from '../../src/server/predict-body.js';
import { MAX_ROWS, parsePredictBody, RequestError } from '../../src/server/requests.js';
import { params } from '../fuzz/settings.js';

// Every model's target is named `outcome`, so a row copied with its target is good for all three.
const inputs = [
  { name: 'years_experience', kind: 'numeric', mean: 10, std: 5.8 },
  { name: 'performance_score', kind: 'numeric' },
  { name: 'department', kind: 'categorical', categories: ['Sales', 'HR', '(missing)'] },
];
const hidden = { activation: 'tanh', weights: [[1.7, 0.021, 0.3, -0.2, 0.1], [-1.2, 0.008, -0.4, 0.5, 0]], bias: [-0.5, 0.25] };

const models: Record<string, ModelFile> = {
  binary: parseModel({
    format: 'chainrule/model', version: 2, task: 'binary', inputs, target: { name: 'outcome', positive: '1' },
    layers: [hidden, { activation: 'sigmoid', weights: [[3.1, -2.4]], bias: [-0.7] }], loss: 'bce', threshold: 0.5,
  }),
  multiclass: parseModel({
    format: 'chainrule/model', version: 2, task: 'multiclass', inputs, target: { name: 'outcome', classes: ['none', 'sen"ior', 'lead é'] },
    layers: [hidden, { activation: 'softmax', weights: [[1, -2], [0.5, 0.5], [-1, 2]], bias: [0, 0.1, -0.1] }], loss: 'cross_entropy',
  }),
  regression: parseModel({
    format: 'chainrule/model', version: 2, task: 'regression', inputs, target: { name: 'outcome', mean: 52_000, std: 9_000.5 },
    layers: [hidden, { activation: 'linear', weights: [[0.7, -1.3]], bias: [0.2] }], loss: 'mse',
  }),
};

/** Cells a model accepts (numbers, numbers as text, missing tokens, categories seen or not), by column kind. */
const numericCell = fc.oneof(
  fc.integer({ min: -50, max: 120 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.constantFrom('12', ' 7.5 ', '1e3', '-0', 'NA', 'N/A', '', '?', 'null', null, 1e308),
);
const categoricalCell = fc.constantFrom('Sales', 'HR', 'Legal', '(missing)', 'NA', '', null, 3, 0.5);
/** Cells the zod schema or the encoders refuse (or JSON cannot carry but a caller in code might send). */
const badCell = fc.constantFrom('ten', '8O.5', '1e999', Infinity, Number.NaN, true, false, {}, [], [1], { name: 'HR' });
const sometimesBad = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 25, arbitrary: good }, { weight: 1, arbitrary: badCell });
/** A value of `arbitrary` once in `odds` draws, else null. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>, odds: number) => fc.oneof({ weight: odds - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

function goodRecord(bad: boolean) {
  const cell = (good: fc.Arbitrary<unknown>) => (bad ? sometimesBad(good) : good);
  return fc.record({
    cells: fc.tuple(cell(numericCell), cell(numericCell), cell(categoricalCell)),
    target: rarely(fc.constantFrom<unknown>(1, 'x', ...(bad ? [true] : [])), 4),
  }).map(({ cells, target }) => {
    const row: Record<string, unknown> = { years_experience: cells[0], performance_score: cells[1], department: cells[2] };
    if (target !== null) row.outcome = target;
    return row;
  });
}
/** Mostly good rows; sometimes a bad cell, a column dropped, or an unknown (or inherited) key added. */
const record = fc.record({
  row: goodRecord(true),
  drop: rarely(fc.constantFrom('years_experience', 'performance_score', 'department'), 15),
  extra: rarely(fc.constantFrom('yeras', 'toString', 'constructor', 'Department'), 15),
}).map(({ row, drop, extra }) => {
  if (drop !== null) delete row[drop];
  if (extra !== null) row[extra] = 3;
  return row;
});
const row = fc.oneof({ weight: 30, arbitrary: record }, { weight: 1, arbitrary: fc.constantFrom(7, null, 'row', [], [{}]) });
const body = fc.oneof(
  { weight: 12, arbitrary: fc.array(row, { minLength: 1, maxLength: 6 }).map((rows) => ({ rows })) },
  { weight: 1, arbitrary: fc.constantFrom({ rows: [] }, { rows: 5 }, { rows: null }, [], 'rows', null, 3) },
  { weight: 1, arbitrary: record.map((r) => ({ row: r })) },
  { weight: 1, arbitrary: record },
);
const goodBody = fc.array(goodRecord(false), { minLength: 1, maxLength: 8 }).map((rows) => ({ rows }));

type Outcome = { result: unknown } | { error: { name: string; message: string; field: string; row?: number } };

function outcome(run: () => unknown): Outcome {
  try {
    return { result: run() };
  } catch (err) {
    if (!(err instanceof RequestError)) throw err;
    return { error: { name: err.name, message: err.message, field: err.field, row: err.row } };
  }
}

for (const [task, model] of Object.entries(models)) {
  const net = modelToNetwork(model);
  const general = (b: unknown) => predictRecords(model, net, parsePredictBody(b));

  describe(`/predict's fast path, ${task} model`, () => {
    it('fuzzed bodies (1–6 rows, good and bad cells): the general path\'s answer bit for bit, or its error; the fast path answers every good {rows} body', () => {
      let answered = 0;
      fc.assert(fc.property(body, (b) => {
        const want = outcome(() => general(b));
        expect(outcome(() => predictBody(model, net, b))).toStrictEqual(want);
        const fast = predictRowsBody(model, net, b);
        if ('error' in want) {
          expect(fast).toBeUndefined();
        } else if (typeof b === 'object' && b !== null && 'rows' in b) {
          expect(fast).toStrictEqual(want.result);
          answered++;
        }
      }), params(600));
      // The generator must reach the fast path often enough for the comparison to mean something.
      expect(answered).toBeGreaterThan(100);
    });

    it(`the row limit: ${MAX_ROWS} rows answered by the fast path, ${MAX_ROWS + 1} refused with the general path's error`, () => {
      const good = { years_experience: 3, performance_score: '60', department: 'HR' };
      const many = { rows: Array.from({ length: MAX_ROWS }, () => good) };
      expect(predictRowsBody(model, net, many)).toStrictEqual(general(many));
      const over = { rows: Array.from({ length: MAX_ROWS + 1 }, () => good) };
      expect(predictRowsBody(model, net, over)).toBeUndefined();
      expect(outcome(() => predictBody(model, net, over))).toStrictEqual(outcome(() => general(over)));
    });

    it('the reply through the task\'s schema: JSON.stringify\'s text of the same predictions, as application/json', async () => {
      const app = buildApp({ model });
      await fc.assert(fc.asyncProperty(goodBody, async (b) => {
        const res = await app.inject({ method: 'POST', url: '/predict', payload: b });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.payload).toBe(JSON.stringify(general(b)));
      }), params(60));
      await app.close();
    });
  });
}
