/**
 * Issue 14 item 4: a reload reads only a regular file, size-capped, without blocking the event
 * loop. A FIFO at the model path used to block the whole server (readFileSync waits for a writer).
 * The server runs as a child process so that a regression hangs it, not the test runner.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadModelAsync, ModelFileError, saveModel, serializeModel } from '../../src/model/file.js';
import type { ModelFile } from '../../src/model/schema.js';
import { assertBuilt, CLI, removeTempDirs, tempDir } from '../cli/helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

const model: ModelFile = {
  format: 'chainrule/model', version: 1,
  inputs: [{ name: 'x', kind: 'numeric' }], target: { name: 'y', positive: '1' },
  layers: [{ activation: 'sigmoid', weights: [[2]], bias: [-1] }],
  loss: 'bce', threshold: 0.5,
};

/** Resolves to the request's status and body, or rejects after `ms`: a blocked server never answers. */
async function timed(url: string, init: RequestInit, ms: number): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(ms) });
  return { status: res.status, body: await res.json() as Record<string, unknown>, ms: performance.now() - t0 };
}

describe('loadModelAsync', () => {
  test('refuses a folder and a file over the cap, naming the path; reads a good file', async () => {
    const dir = tempDir();
    const path = join(dir, 'm.json');
    saveModel(path, model);
    expect(await loadModelAsync(path)).toEqual(model);
    const size = Buffer.byteLength(serializeModel(model));
    await expect(loadModelAsync(path, size - 1)).rejects.toThrow(new ModelFileError(`${path}: ${size} bytes is larger than the ${size - 1}-byte limit for a model file`));
    mkdirSync(join(dir, 'folder.json'));
    await expect(loadModelAsync(join(dir, 'folder.json'))).rejects.toThrow(/folder\.json: not a regular file \(a folder\)/);
  });
});

describe.skipIf(process.platform === 'win32')('a FIFO at the model path of a running server', () => {
  let child: ChildProcess | undefined;
  afterAll(() => { child?.kill('SIGKILL'); });

  test('POST /admin/reload answers 409 at once, /health stays quick, SIGHUP reports it; the old model keeps serving', async () => {
    const dir = tempDir();
    const path = join(dir, 'model.json');
    saveModel(path, model);
    child = spawn(process.execPath, [CLI, 'serve', '--model', path, '--port', '0', '--quiet', '--admin-token', 't'], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    unlinkSync(path);
    expect(spawnSync('mkfifo', [path]).status).toBe(0);

    const reload = await timed(`${url}/admin/reload`, { method: 'POST', headers: { authorization: 'Bearer t' } }, 5000);
    expect(reload.status).toBe(409);
    expect(reload.body.error).toBe(`${path}: not a regular file (a FIFO); a model file is read only from a regular file; still serving the previous model`);
    child.kill('SIGHUP');
    for (let i = 0; i < 200 && !/reload failed/.test(stderr); i++) await new Promise((r) => setTimeout(r, 25));
    expect(stderr).toMatch(/reload failed, still serving the previous model: .*model\.json: not a regular file \(a FIFO\)/);

    const health = await timed(`${url}/health`, {}, 2000);
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(1000);
    const predict = await timed(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"rows":[{"x":1.5}]}' }, 2000);
    expect((predict.body.predictions as { probability: number }[])[0].probability).toBeCloseTo(1 / (1 + Math.exp(-(2 * 1.5 - 1))), 15);
  }, 40_000);
});
