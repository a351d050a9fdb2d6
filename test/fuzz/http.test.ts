/**
 * Fuzzing the HTTP bodies through fastify's inject (no socket): any JSON, malformed JSON, odd
 * content types, records with odd values, oversized bodies. Property: a 200 whose every
 * probability is a finite number in [0, 1] with label 0/1, or a 4xx with { error, field }, never a
 * 500, never a hang (bounded bodies).
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { parseModel } from '../../src/model/schema.js';
import { validModel } from './models.js';
import { params, runs, timeout } from './settings.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = buildApp({ model: parseModel(validModel()), adminToken: 'fuzz' });
  await app.ready();
});
afterAll(() => app.close());

const cell = fc.oneof(
  fc.double(),
  fc.constantFrom(1e300, -1e300, 5e-324, -5e-324, 1e-310, 0, -0, Number.MAX_VALUE, -Number.MAX_VALUE),
  fc.constantFrom('Sales', 'HR', '', 'NA', '?', ' 3.5 ', '1e400', 'Infinity', '-Infinity', 'NaN', '0x10', '\u0000'),
  fc.string({ maxLength: 12 }),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
const record = fc.oneof(
  fc.record({ years_experience: cell, department: cell }, { requiredKeys: [] }),
  fc.dictionary(fc.constantFrom('years_experience', 'department', 'promoted', 'other', '__proto__', 'constructor'), cell, { maxKeys: 4 }),
);
const body = fc.oneof(
  fc.record({ rows: fc.array(record, { maxLength: 5 }) }),
  fc.record({ row: record }),
  record,
  fc.record({ input: record, target: fc.oneof(fc.double(), fc.constantFrom(0, 1, 0.5, -1, 2)), lr: fc.option(fc.double(), { nil: undefined }) }, { requiredKeys: ['input'] }),
  fc.jsonValue({ maxDepth: 4 }),
);
const raw = fc.oneof(
  body.map((b) => JSON.stringify(b) ?? 'null'),
  fc.string({ maxLength: 200 }),
  body.map((b) => (JSON.stringify(b) ?? 'null').slice(0, -1)),
);
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', '', 'application/json; charset=latin1');

/** Replies seen, by status: the suite must reach both the scoring path and the refusals. */
const seen = new Map<number, number>();

function checkReply(status: number, payload: string, url: string): void {
  seen.set(status, (seen.get(status) ?? 0) + 1);
  expect(status).not.toBe(500);
  expect([200, 400, 404, 405, 413, 415]).toContain(status);
  const json = JSON.parse(payload);
  if (status === 200) {
    if (url === '/predict') {
      for (const p of json.predictions) {
        expect(Number.isFinite(p.probability)).toBe(true);
        expect(p.probability).toBeGreaterThanOrEqual(0);
        expect(p.probability).toBeLessThanOrEqual(1);
        expect([0, 1]).toContain(p.label);
      }
    } else {
      expect(Number.isFinite(json.loss)).toBe(true);
      expect(Number.isFinite(json.prediction)).toBe(true);
    }
  } else {
    expect(typeof json.error).toBe('string');
    expect(typeof json.field).toBe('string');
  }
}

describe(`HTTP body fuzz (${runs(400)} runs each, fixed seed)`, () => {
  test('POST /predict and /explain with JSON bodies from records of odd values: 200 with finite probabilities or 4xx { error, field }', async () => {
    await fc.assert(fc.asyncProperty(body, fc.constantFrom('/predict', '/explain'), async (b, url) => {
      const res = await app.inject({ method: 'POST', url, payload: JSON.stringify(b) ?? 'null', headers: { 'content-type': 'application/json' } });
      checkReply(res.statusCode, res.payload, url);
    }), params(400));
  }, timeout(400));

  test('any text with any content type, including malformed JSON: never a 500', async () => {
    await fc.assert(fc.asyncProperty(raw, contentType, fc.constantFrom('/predict', '/explain', '/health', '/nope'), async (text, type, url) => {
      const res = await app.inject({ method: 'POST', url, payload: text, headers: type ? { 'content-type': type } : {} });
      checkReply(res.statusCode, res.payload, url);
    }), params(400));
  }, timeout(400));

  test('a model that can overflow inside (ReLU, weights 1e10 of both signs, raw input): 200 with finite numbers or 400, never NaN', async () => {
    const fragile = buildApp({ model: parseModel({
      format: 'chainrule/model', version: 1, inputs: [{ name: 'x', kind: 'numeric' }], target: { name: 'y', positive: '1' },
      layers: [{ activation: 'relu', weights: [[1e10], [1e10]], bias: [0, 0] }, { activation: 'sigmoid', weights: [[1, -1]], bias: [0] }],
    }) });
    const x = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(1e300, -1e300, 1e298, 1e299, Number.MAX_VALUE, 5e-324));
    let refused = 0;
    await fc.assert(fc.asyncProperty(fc.array(x, { minLength: 1, maxLength: 4 }), fc.constantFrom('/predict', '/explain'), async (xs, url) => {
      const payload = url === '/predict' ? { rows: xs.map((v) => ({ x: v })) } : { input: { x: xs[0] }, target: 1 };
      const res = await fragile.inject({ method: 'POST', url, payload });
      if (res.statusCode === 400) refused++;
      checkReply(res.statusCode, res.payload, url);
    }), params(200));
    expect(refused).toBeGreaterThan(0);
    await fragile.close();
  }, timeout(200));

  test('the fuzzing reached both 200 answers and 400 refusals', () => {
    expect(seen.get(200) ?? 0).toBeGreaterThan(10);
    expect(seen.get(400) ?? 0).toBeGreaterThan(10);
  });

  test('bodies just under and over the 1 MiB limit: 200/400 under, 413 over', async () => {
    for (const size of [1024 * 1024 - 64, 1024 * 1024 + 1, 4 * 1024 * 1024]) {
      const filler = 'x'.repeat(size - 40);
      const payload = JSON.stringify({ rows: [{ years_experience: 1, department: filler }] });
      const res = await app.inject({ method: 'POST', url: '/predict', payload, headers: { 'content-type': 'application/json' } });
      if (payload.length > 1024 * 1024) expect(res.statusCode).toBe(413);
      else expect([200, 400]).toContain(res.statusCode);
      checkReply(res.statusCode, res.payload, '/predict');
    }
  });

  // Issue 14 item 2: a deep value once overflowed the stack while the error message quoted it (500).
  const DEPTHS = [10, 1000, 4150, 10_000, 100_000];
  const nested = (depth: number, kind: 'array' | 'object', leaf = '1') =>
    kind === 'array' ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
  const deepBodies = (depth: number): Record<string, string> => ({
    'rows: [[[...]]]': `{"rows":${nested(depth, 'array')}}`,
    'rows: [{a:{a:...}}]': `{"rows":[${nested(depth, 'object')}]}`,
    'rows: [{col: [[...]]}]': `{"rows":[{"years_experience":${nested(depth, 'array')}}]}`,
    'row: {...}': `{"row":${nested(depth, 'object')}}`,
    'bare record': `{"years_experience":${nested(depth, 'object')}}`,
    'input: {...}': `{"input":${nested(depth, 'object')},"target":1}`,
    'input.col: [[...]]': `{"input":{"years_experience":${nested(depth, 'array')}},"target":1}`,
    'target: [[...]]': `{"input":{"years_experience":1},"target":${nested(depth, 'array')}}`,
    'lr: {...}': `{"input":{"years_experience":1},"target":1,"lr":${nested(depth, 'object')}}`,
    'body: [[...]]': nested(depth, 'array'),
  });
  const ENDPOINTS: { method: 'POST' | 'GET'; url: string; headers?: Record<string, string> }[] = [
    { method: 'POST', url: '/predict' },
    { method: 'POST', url: '/explain' },
    { method: 'POST', url: '/admin/reload', headers: { authorization: 'Bearer wrong' } },
    { method: 'POST', url: '/health' },
    { method: 'POST', url: '/nope' },
  ];
  for (const depth of DEPTHS) {
    test(`JSON nested ${depth} levels deep, in every field, on every endpoint: a 4xx { error, field }, never a 500`, async () => {
      for (const [where, payload] of Object.entries(deepBodies(depth))) {
        for (const endpoint of ENDPOINTS) {
          const res = await app.inject({ ...endpoint, payload, headers: { 'content-type': 'application/json', ...endpoint.headers } });
          const label = `${endpoint.url} ${where} depth ${depth}: ${res.statusCode} ${res.payload.slice(0, 200)}`;
          expect(res.statusCode, label).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, label).toBeLessThan(500);
          const json = res.json();
          expect(typeof json.error, label).toBe('string');
          expect(json.error.length, label).toBeLessThan(400);
          if (endpoint.url === '/predict' || endpoint.url === '/explain') expect(res.statusCode, label).toBe(400);
        }
      }
    }, 60_000);
  }

  test(`random nesting (depth 1–100,000, arrays and objects mixed, any field, any endpoint; ${runs(60)} runs): never a 500`, async () => {
    const shape = fc.record({
      depth: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100_000 })),
      kinds: fc.array(fc.constantFrom('[', '{"a":', '{"years_experience":'), { minLength: 1, maxLength: 3 }),
      leaf: fc.constantFrom('1', '"x"', 'null', '[]', '{}'),
      where: fc.constantFrom('rows', 'row', 'input', 'target', 'lr', 'param', 'body'),
      endpoint: fc.constantFrom(...ENDPOINTS),
    });
    await fc.assert(fc.asyncProperty(shape, async ({ depth, kinds, leaf, where, endpoint }) => {
      let open = '';
      let close = '';
      for (let i = 0; i < depth; i++) {
        const k = kinds[i % kinds.length];
        open += k;
        close = (k === '[' ? ']' : '}') + close;
      }
      const value = `${open}${leaf}${close}`;
      const payload = where === 'body' ? value : `{"${where}":${value}${where === 'input' ? ',"target":1' : ''}}`;
      const res = await app.inject({ ...endpoint, payload, headers: { 'content-type': 'application/json', ...endpoint.headers } });
      expect(res.statusCode, `${endpoint.url} ${where} depth ${depth}`).not.toBe(500);
      if (res.statusCode !== 200) expect(typeof res.json().error).toBe('string');
    }), params(60));
  }, timeout(60, 200));

  test('the 400 for a deep value quotes its first levels only', async () => {
    const res = await app.inject({ method: 'POST', url: '/predict', payload: `{"rows":${nested(100_000, 'array')}}`, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'rows' });
    expect(res.json().error).toBe('rows[0]: expected an object of column values, got [[[[...]]]]');
  });

  // Issue 14 item 5: only JSON is parsed; every other content type is 415, whatever the body.
  const NOT_JSON = ['text/plain', 'text/plain; charset=utf-8', 'text/csv', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream'];
  for (const type of NOT_JSON) {
    test(`Content-Type ${type} on /predict and /explain: 415 { error, field: "content-type" }`, async () => {
      for (const url of ['/predict', '/explain']) {
        for (const payload of ['{"rows":[{"years_experience":1}]}', 'years_experience=1', '']) {
          const res = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': type } });
          expect(res.statusCode, `${url} ${type} ${JSON.stringify(payload)}`).toBe(415);
          expect(res.json()).toMatchObject({ field: 'content-type' });
        }
      }
    });
  }
});
