/**
 * Ctrl-C during `train`: the first SIGINT finishes the current step, saves the best model so far
 * marked `training.interrupted`, exits 130; a second SIGINT exits 130 at once, leaving the file at
 * --out as it was.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadModel } from '../../src/model/file.js';
import { assertBuilt, CLI, removeTempDirs, tempDir } from '../cli/helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

interface Ended { code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number }

/** Starts train; once it has printed its first epoch line, sends `count` SIGINTs (`gapMs` apart). */
function interruptTrain(args: string[], cwd: string, count: number, gapMs = 0): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'train', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let sent = false;
    let at = 0;
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
      if (!sent && /epoch 1\//.test(stderr)) {
        sent = true;
        at = performance.now();
        child.kill('SIGINT');
        if (count > 1) setTimeout(() => child.kill('SIGINT'), gapMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, ms: performance.now() - at }));
  });
}

describe('SIGINT during train', () => {
  test('first SIGINT: exit 130, the best model so far saved and marked interrupted (validation + patience)', async () => {
    const dir = tempDir();
    const r = await interruptTrain(['--epochs', '1000000', '--val', '0.2', '--patience', '1000000', '--out', 'm.json'], dir, 1);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted; finishing the current step/);
    expect(r.stderr).toMatch(/chainrule: interrupted in epoch \d+; the (latest|best \(epoch \d+\)) model so far is in m\.json, marked training\.interrupted/);
    const model = loadModel(join(dir, 'm.json'));
    const training = model.training as { interrupted: boolean; epochs: number; bestEpoch: number; history: { epoch: number; valLoss: number }[] };
    expect(training.interrupted).toBe(true);
    expect(training.epochs).toBeLessThan(1000000);
    // "Best so far": the recorded best epoch has the lowest validation loss of the history.
    const best = Math.min(...training.history.map((h) => h.valLoss));
    expect(training.history[training.bestEpoch - 1].valLoss).toBe(best);
  });

  test('first SIGINT without validation: the latest weights saved, exit 130, within seconds', async () => {
    const dir = tempDir();
    const r = await interruptTrain(['--epochs', '1000000', '--layers', '16,16', '--out', 'm.json'], dir, 1);
    expect(r.code, r.stderr).toBe(130);
    expect(r.ms).toBeLessThan(30_000); // the current step, not the remaining million epochs
    expect(loadModel(join(dir, 'm.json')).training?.interrupted).toBe(true);
  });

  test('second SIGINT: exit 130 at once; the model already at --out is left byte for byte', async () => {
    const dir = tempDir();
    const old = `${JSON.stringify({ format: 'chainrule/model', version: 1, inputs: [{ name: 'x', kind: 'numeric' }], target: { name: 'promoted', positive: '1' }, layers: [{ activation: 'sigmoid', weights: [[1]], bias: [0] }] })}\n`;
    writeFileSync(join(dir, 'm.json'), old);
    // Two signals sent together can merge into one (POSIX does not queue them), so the second
    // goes 20 ms later; a wide network makes the save after the first take longer than that.
    const r = await interruptTrain(['--epochs', '1000000', '--layers', '512,256', '--out', 'm.json'], dir, 2, 20);
    expect(r.code).toBe(130);
    expect(readFileSync(join(dir, 'm.json'), 'utf8')).toBe(old);
    expect(r.stderr).not.toMatch(/model so far is in/);
    expect(existsSync(join(dir, 'm.json.ckpt.json'))).toBe(false);
  });
});
