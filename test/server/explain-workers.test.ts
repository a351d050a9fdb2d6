/**
 * POST /explain off the event loop and bounded (issue 14 item 3): a large model's document is at
 * most 1 MiB and its factors are the ones a param request gives; the work runs in worker threads,
 * so /health answers while a slow explanation (an exact 16-input Shapley) runs; a full queue is a
 * 503 with Retry-After; a reload reaches the workers; errors raised in a worker keep their 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainModel } from '../../src/app/explain-model.js';
import type { ModelFile } from '../../src/model/schema.js';
import { jsonBytes, wideModel, wideRecord } from '../explain/large-models.js';
import { request, start, type Running } from './helpers.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'chainrule-explain-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function modelAt(name: string, model: ModelFile): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(model));
  return path;
}

async function post(url: string, body: unknown): Promise<{ status: number; bytes: number; headers: Headers; body: any }> {
  const res = await fetch(`${url}/explain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const buffer = Buffer.from(await res.arrayBuffer());
  return { status: res.status, bytes: buffer.length, headers: res.headers, body: JSON.parse(buffer.toString('utf8')) };
}

/** An exact Shapley request on 16 inputs over 100 background rows: 2^16 coalitions × 100 rows, seconds of work. */
function slowShapley(): Record<string, unknown> {
  const background = Array.from({ length: 100 }, (_, r) => Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`x${i}`, Math.cos(r * 16 + i)])));
  return { input: wideRecord(16), target: 1, attributions: 'shapley', background };
}

describe('a 128,128 model (19,585 parameters)', () => {
  const model = wideModel(20, [128, 128]);
  let served: Running;
  beforeAll(async () => { served = await start({ model, modelPath: modelAt('wide.json', model) }); });
  afterAll(async () => { await served.app.close(); });

  it('answers a bounded document of at most 1 MiB, the library\'s document, whose factors a param request gives exactly', async () => {
    const res = await post(served.url, { input: wideRecord(20), target: 1 });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.bytes).toBeLessThanOrEqual(MiB);
    expect(res.body.truncated).toBe(true);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(explainModel(model, wideRecord(20), 1))));
    const output = res.body.factors.filter((f: { layer: number }) => f.layer === 2);
    expect(output).toHaveLength(129);
    for (const f of [output[128], res.body.factors[0]]) {
      const one = await post(served.url, { input: wideRecord(20), target: 1, param: f.param });
      expect(one.status).toBe(200);
      expect(one.body.factors).toEqual([f]);
      expect(one.body.truncated).toBeUndefined();
    }
  });

  it('maps an error raised in a worker to the 400 naming the field, as before', async () => {
    const unknown = await post(served.url, { input: wideRecord(20), target: 1, param: 'layers[7].bias[0]' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ error: expect.stringMatching(/^unknown parameter "layers\[7\]\.bias\[0\]"; expected one of layers\[0\]/), field: 'param' });
    const { x5: _, ...missing } = wideRecord(20);
    const res = await post(served.url, { input: missing, target: 1 });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('x5');
  });
});

describe('explaining in worker threads', () => {
  const model = wideModel(16, [8], 3);
  let served: Running;
  let single: Running;
  beforeAll(async () => {
    served = await start({ model, modelPath: modelAt('sixteen.json', model) });
    single = await start({ model, modelPath: modelAt('sixteen-single.json', model), explain: { threads: 1, queue: 0 } });
  });
  afterAll(async () => {
    await served.app.close();
    await single.app.close();
  });

  it('answers /health again and again while a 16-input exact Shapley explanation runs', async () => {
    let explained = false;
    const slow = post(served.url, slowShapley()).then((res) => { explained = true; return res; });
    let healthBefore = 0;
    while (!explained && healthBefore < 20) {
      const health = await request(`${served.url}/health`, 'GET');
      expect(health.status).toBe(200);
      if (!explained) healthBefore++;
    }
    const res = await slow;
    expect(res.status).toBe(200);
    expect(res.body.attributions).toMatchObject({ method: 'shapley', exact: true });
    // Inline, the explanation held the event loop: no /health could be answered while it ran.
    expect(healthBefore).toBe(20);
  });

  it('answers 503 with Retry-After and {error, field} when every worker is busy and the queue is full', async () => {
    let explained = false;
    const slow = post(single.url, slowShapley()).then((res) => { explained = true; return res; });
    let busy: Awaited<ReturnType<typeof post>> | undefined;
    for (let k = 0; k < 200 && !explained && !busy; k++) {
      const res = await post(single.url, { input: wideRecord(16), target: 0 });
      if (res.status === 503) busy = res;
      else expect(res.status).toBe(200);
    }
    expect(busy, 'no 503 while the only worker was busy').toBeDefined();
    expect(busy!.headers.get('retry-after')).toBe('1');
    expect(busy!.body).toEqual({ error: expect.stringMatching(/^the server is busy explaining .*retry in 1 s$/), field: '(queue)' });
    expect((await slow).status).toBe(200);
    expect((await post(single.url, { input: wideRecord(16), target: 0 })).status).toBe(200);
  });
});

describe('a reload', () => {
  it('hands the new model to the workers', async () => {
    const first = wideModel(3, [2], 1);
    const second = wideModel(3, [2], 2);
    const path = modelAt('reloaded.json', first);
    const served = await start({ model: first, modelPath: path });
    try {
      const input = wideRecord(3);
      expect((await post(served.url, { input, target: 1 })).body.prediction).toBe(explainModel(first, input, 1).prediction);
      writeFileSync(path, JSON.stringify(second));
      await served.app.reloadModel();
      const after = await post(served.url, { input, target: 1 });
      expect(after.body.prediction).toBe(explainModel(second, input, 1).prediction);
      expect(after.body.prediction).not.toBe(explainModel(first, input, 1).prediction);
      expect(jsonBytes(after.body)).toBeLessThan(MiB);
    } finally {
      await served.app.close();
    }
  });
});
