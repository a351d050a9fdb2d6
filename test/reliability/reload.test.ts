/**
 * Reloading the served model: POST /admin/reload exists only with an admin token and wants it as
 * a Bearer header; a good file replaces the model for the next request, a broken one is refused
 * (409) and the old model keeps serving; SIGHUP does the same for `chainrule serve`.
 * Each model here is one sigmoid unit over one raw input, so its answer is σ(w·x + b) by hand.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { saveModel } from '../../src/model/file.js';
import type { ModelFile } from '../../src/model/schema.js';
import { buildApp } from '../../src/server/app.js';
import { assertBuilt, CLI, removeTempDirs, tempDir } from '../cli/helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

function unit(w: number, b: number, hidden = false): ModelFile {
  return {
    format: 'chainrule/model', version: 1,
    inputs: [{ name: 'x', kind: 'numeric' }], target: { name: 'y', positive: '1' },
    layers: hidden
      ? [{ activation: 'linear', weights: [[1]], bias: [0] }, { activation: 'sigmoid', weights: [[w]], bias: [b] }]
      : [{ activation: 'sigmoid', weights: [[w]], bias: [b] }],
    loss: 'bce', threshold: 0.5,
  };
}
const sigma = (z: number) => 1 / (1 + Math.exp(-z));
const A = { w: 2, b: -1 };
const B = { w: -0.5, b: 0.25 };

describe('POST /admin/reload', () => {
  let dir: string;
  let path: string;
  beforeAll(() => {
    dir = tempDir();
    path = join(dir, 'model.json');
  });

  test('absent without --admin-token: 404', async () => {
    saveModel(path, unit(A.w, A.b));
    const app = buildApp({ model: unit(A.w, A.b), modelPath: path });
    const res = await app.inject({ method: 'POST', url: '/admin/reload', headers: { authorization: 'Bearer x' } });
    expect(res.statusCode).toBe(404);
    await app.close();
  });

  test('401 without or with a wrong token; 200 swaps the model; 409 on a broken file keeps the old one', async () => {
    saveModel(path, unit(A.w, A.b));
    const app = buildApp({ model: unit(A.w, A.b), modelPath: path, adminToken: 's3cret' });
    const predict = async (x: number) => (await app.inject({ method: 'POST', url: '/predict', payload: { rows: [{ x }] } })).json().predictions[0].probability;
    const reload = (token?: string) => app.inject({ method: 'POST', url: '/admin/reload', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

    expect(await predict(0.7)).toBeCloseTo(sigma(A.w * 0.7 + A.b), 15);
    for (const token of [undefined, 'wrong', 's3cret ', '']) {
      const res = await reload(token);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ field: 'authorization' });
    }
    saveModel(path, unit(B.w, B.b, true));
    expect(await predict(0.7)).toBeCloseTo(sigma(A.w * 0.7 + A.b), 15); // the file alone changes nothing
    const ok = await reload('s3cret');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().model.layers).toHaveLength(2);
    expect(await predict(0.7)).toBeCloseTo(sigma(B.w * 0.7 + B.b), 15);
    expect((await app.inject({ method: 'GET', url: '/health' })).json().model.layers).toHaveLength(2);

    writeFileSync(path, '{"format": "chainrule/model", "version": 1, "inputs": [');
    const bad = await reload('s3cret');
    expect(bad.statusCode).toBe(409);
    expect(bad.json().error).toMatch(/model\.json: not valid JSON.*; still serving the previous model$/);
    expect(await predict(0.7)).toBeCloseTo(sigma(B.w * 0.7 + B.b), 15);
    await app.close();
  });
});

describe('SIGHUP to chainrule serve', () => {
  let child: ChildProcess | undefined;
  afterAll(() => { child?.kill('SIGKILL'); });

  test('re-reads the model file; a broken file is reported and the old model kept', async () => {
    const dir = tempDir();
    const path = join(dir, 'model.json');
    saveModel(path, unit(A.w, A.b));
    child = spawn(process.execPath, [CLI, 'serve', '--model', path, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no URL in 20 s: ${stderr}`)), 20_000);
      child!.stdout!.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
        if (m) { clearTimeout(timer); resolve(m[0]); }
      });
    });
    const predict = async (x: number) => {
      const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows: [{ x }] }) });
      return (await res.json()).predictions[0].probability as number;
    };
    const waitFor = async (what: RegExp) => {
      for (let i = 0; i < 200 && !what.test(stderr); i++) await new Promise((r) => setTimeout(r, 25));
      expect(stderr).toMatch(what);
    };
    expect(await predict(1.5)).toBeCloseTo(sigma(A.w * 1.5 + A.b), 15);

    saveModel(path, unit(B.w, B.b));
    child.kill('SIGHUP');
    await waitFor(/chainrule: reloaded /);
    expect(await predict(1.5)).toBeCloseTo(sigma(B.w * 1.5 + B.b), 15);

    writeFileSync(path, '[]');
    child.kill('SIGHUP');
    await waitFor(/reload failed, still serving the previous model: .*model\.json: \(root\)/);
    expect(await predict(1.5)).toBeCloseTo(sigma(B.w * 1.5 + B.b), 15);
  });
});
