/**
 * The HTTP contract (DESIGN.md) against the real server on a free loopback port. Expected
 * probabilities are computed independently here from the fixture's weights.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { FIXTURE, request, start, type Running } from './helpers.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The fixture's 2-2-1 network written out by hand: standardise, one-hot, two sigmoid units, sigmoid output. */
function expected(years: number, score: number, department: string): number {
  const x = [(years - 10) / 5.8, (score - 70) / 17.3, ...['Sales', 'HR', '(missing)'].map((c) => (c === department ? 1 : 0))];
  const h1 = sigmoid(1.7 * x[0] + 2.1 * x[1] + 0.3 * x[2] - 0.2 * x[3] + 0.1 * x[4] - 0.5);
  const h2 = sigmoid(-1.2 * x[0] + 0.8 * x[1] - 0.4 * x[2] + 0.5 * x[3] + 0.0 * x[4] + 0.25);
  return sigmoid(3.1 * h1 - 2.4 * h2 - 0.7);
}

let server: Running;
beforeAll(async () => { server = await start(); });
afterAll(async () => { await server.app.close(); });

describe('GET /health', () => {
  it('reports ok, the inputs, the layer shapes and the model file mtime', async () => {
    const res = await request(`${server.url}/health`, 'GET');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.model.inputs.map((i: { name: string }) => i.name)).toEqual(['years_experience', 'performance_score', 'department']);
    expect(res.body.model.layers).toEqual([
      { units: 2, inputs: 5, activation: 'sigmoid' },
      { units: 1, inputs: 2, activation: 'sigmoid' },
    ]);
    expect(res.body.model.trainedAt).toBe(statSync(FIXTURE).mtime.toISOString());
  });

  it('answers HEAD without a body', async () => {
    const res = await fetch(`${server.url}/health`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

describe('POST /predict', () => {
  it('scores many rows in order, matching the hand-computed network', async () => {
    const rows = [
      { years_experience: 12, performance_score: 88, department: 'Sales' },
      { years_experience: 1, performance_score: 45, department: 'HR' },
      { years_experience: 7.5, performance_score: 71, department: 'HR' },
    ];
    const res = await request(`${server.url}/predict`, 'POST', { rows });
    expect(res.status).toBe(200);
    expect(res.body.predictions).toHaveLength(3);
    rows.forEach((row, r) => {
      const p = expected(row.years_experience, row.performance_score, row.department);
      expect(res.body.predictions[r].probability).toBeCloseTo(p, 12);
      expect(res.body.predictions[r].label).toBe(p > 0.5 ? 1 : 0);
    });
    // The fixture must exercise both labels, or the threshold is untested.
    expect(new Set(res.body.predictions.map((p: { label: number }) => p.label))).toEqual(new Set([0, 1]));
  });

  it('accepts numbers as strings, one row as {row} or as a bare object, and the target column', async () => {
    const p = expected(12, 88, 'Sales');
    for (const body of [
      { rows: [{ years_experience: '12', performance_score: ' 88 ', department: 'Sales' }] },
      { row: { years_experience: 12, performance_score: 88, department: 'Sales' } },
      { years_experience: 12, performance_score: 88, department: 'Sales', promoted: 1 },
    ]) {
      const res = await request(`${server.url}/predict`, 'POST', body);
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(res.body.predictions[0].probability).toBeCloseTo(p, 12);
    }
  });

  it('imputes a missing numeric with the mean and maps a missing category to "(missing)"', async () => {
    const res = await request(`${server.url}/predict`, 'POST', { rows: [{ years_experience: null, performance_score: 'NA', department: null }] });
    expect(res.status).toBe(200);
    expect(res.body.predictions[0].probability).toBeCloseTo(expected(10, 70, '(missing)'), 12);
  });

  it('encodes an unseen category as all zeros and says so', async () => {
    const res = await request(`${server.url}/predict`, 'POST', { rows: [{ years_experience: 3, performance_score: 60, department: 'Legal' }] });
    expect(res.status).toBe(200);
    expect(res.body.predictions[0].probability).toBeCloseTo(expected(3, 60, 'none of them'), 12);
    expect(res.body.unknownCategories).toEqual({ department: 1 });
  });
});

describe('client mistakes are 4xx with { error, field }', () => {
  const good = { years_experience: 3, performance_score: 60, department: 'HR' };
  const cases: [string, unknown, number, string, RegExp][] = [
    ['missing column', { rows: [{ years_experience: 3, department: 'HR' }] }, 400, 'performance_score', /performance_score: missing input/],
    ['unknown column', { rows: [{ ...good, yeras: 3 }] }, 400, 'yeras', /unknown column "yeras"/],
    ['non-numeric value', { rows: [{ ...good, years_experience: 'ten' }] }, 400, 'years_experience', /expected a finite number, got "ten"/],
    ['wrong value type', { rows: [good, { ...good, performance_score: true }] }, 400, 'performance_score', /rows\[1\]\.performance_score: expected a number, a string or null, got true/],
    ['nested object value', { rows: [{ ...good, department: { name: 'HR' } }] }, 400, 'department', /expected a number, a string or null/],
    ['rows not an array', { rows: 5 }, 400, 'rows', /rows: .*got 5/],
    ['empty rows', { rows: [] }, 400, 'rows', /rows: .*got \[\]/],
    ['a row that is not an object', { rows: [good, 7] }, 400, 'rows', /rows\[1\]: expected an object of column values, got 7/],
    ['body an array', [good], 400, 'rows', /must be a JSON object/],
    ['more than 10,000 rows', { rows: Array.from({ length: 10_001 }, () => good) }, 400, 'rows', /rows: Too big: expected array to have <=10000 items/],
    ['body a string', '"hello"', 400, 'rows', /must be a JSON object/],
  ];
  for (const [name, body, status, field, message] of cases) {
    it(`${name} → ${status}, field ${field}`, async () => {
      const res = await request(`${server.url}/predict`, 'POST', body);
      expect(res.status).toBe(status);
      expect(res.body.field).toBe(field);
      expect(res.body.error).toMatch(message);
    });
  }

  it('names the row of a bad value among many', async () => {
    const res = await request(`${server.url}/predict`, 'POST', { rows: [good, good, { ...good, years_experience: 'x' }] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'years_experience', row: 2 });
    expect(res.body.error).toMatch(/^rows\[2\]: /);
  });

  it('malformed JSON → 400', async () => {
    const res = await request(`${server.url}/predict`, 'POST', '{"rows": [');
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('(body)');
    expect(res.body.error).toMatch(/not valid JSON/);
  });

  it('empty JSON body → 400', async () => {
    const res = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect((await res.json()).field).toBe('(body)');
  });

  it('a non-JSON content type → 415 naming the content type', async () => {
    const res = await request(`${server.url}/predict`, 'POST', 'years_experience=3', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(415);
    expect(res.body.field).toBe('content-type');
  });

  it('a 2 MiB body → 413', async () => {
    const row = JSON.stringify(good);
    const big = `{"rows":[${Array.from({ length: Math.ceil((2 * 1024 * 1024) / row.length) }, () => row).join(',')}]}`;
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    // node:http rather than fetch: the server may answer 413 before it has read the whole body.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(big);
    });
    expect(status).toBe(413);
  });

  it('a body just under 1 MiB is accepted', async () => {
    const row = JSON.stringify(good);
    const count = Math.floor((1024 * 1024 - 20) / (row.length + 1));
    const body = `{"rows":[${Array.from({ length: Math.min(count, 10_000) }, () => row).join(',')}]}`;
    expect(body.length).toBeLessThan(1024 * 1024);
    const res = await request(`${server.url}/predict`, 'POST', body);
    expect(res.status).toBe(200);
    expect(res.body.predictions).toHaveLength(Math.min(count, 10_000));
  });

  it('wrong method on a known path → 405 with Allow', async () => {
    for (const [method, path, allow] of [['GET', '/predict', 'POST'], ['PUT', '/predict', 'POST'], ['POST', '/health', 'GET, HEAD'], ['DELETE', '/explain', 'POST']]) {
      const res = await request(`${server.url}${path}`, method);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(res.body.field).toBe('method');
    }
  });

  it('unknown path → 404 naming it', async () => {
    const res = await request(`${server.url}/nope`, 'GET');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('no route GET /nope');
  });
});

describe('GET /', () => {
  it('without a built playground, says how to build it', async () => {
    const res = await request(`${server.url}/`, 'GET');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.body).toMatch(/npm run build:web/);
  });
});
