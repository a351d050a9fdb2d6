/**
 * `train --schedule` through the CLI: the schedule and each epoch's rate are in the model file,
 * a resume from a checkpoint with a schedule writes the same bytes as a run never stopped, a
 * resume with another schedule is refused by name, and bad schedules are exit-2 lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, removeTempDirs, runCli, runCliAsync, tempDir } from '../cli/helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

describe('train --schedule', () => {
  it('records the schedule and the rates in the model file (cosine ends at its min)', () => {
    const dir = tempDir();
    const r = runCli(['train', '--epochs', '12', '--schedule', 'cosine:min=0.01', '--quiet', '--out', 'm.json'], dir);
    expect(r.status, r.stderr).toBe(0);
    const model = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(model.training.schedule).toEqual({ name: 'cosine', min: 0.01 });
    expect(model.training.optimizer.lr).toBe(0.5);
    const rates = model.training.history.map((h: { lr: number }) => h.lr);
    expect(rates[0]).toBe(0.5);
    expect(rates[11]).toBe(0.01);
  });

  for (const [name, flags] of [
    ['step, sgd (the 2-2-1 fast path)', ['--schedule', 'step:every=7,gamma=0.5', '--batch-size', '16']],
    ['plateau, adam, validation', ['--schedule', 'plateau:patience=2,factor=0.5', '--optimizer', 'adam', '--lr', '0.05', '--val', '0.2', '--layers', '4']],
  ] as const) {
    it(`${name}: resumed from the epoch-20 checkpoint of 30, the same model file bytes`, async () => {
      const dir = tempDir();
      const base = [...flags, '--epochs', '30', '--seed', '3', '--quiet'];
      const [straight, first] = await Promise.all([
        runCliAsync(['train', ...base, '--out', 'straight.json'], dir),
        runCliAsync(['train', ...base, '--epochs', '20', '--out', 'first.json', '--checkpoint-every', '10', '--checkpoint', 'run.ckpt'], dir),
      ]);
      expect(straight.status, straight.stderr).toBe(0);
      expect(first.status, first.stderr).toBe(0);
      // The 20-epoch run's last checkpoint is at epoch 10 (none is written at the final epoch).
      const ckpt = JSON.parse(readFileSync(join(dir, 'run.ckpt'), 'utf8'));
      expect(ckpt.checkpoint.state.epoch).toBe(10);
      expect(ckpt.checkpoint.state.schedule).toBeDefined();
      const resumed = runCli(['train', '--resume', 'run.ckpt', '--epochs', '30', '--out', 'resumed.json', '--quiet'], dir);
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(readFileSync(join(dir, 'resumed.json'), 'utf8')).toBe(readFileSync(join(dir, 'straight.json'), 'utf8'));
      const other = runCli(['train', '--resume', 'run.ckpt', '--epochs', '30', '--schedule', 'cosine', '--out', 'x.json', '--quiet'], dir);
      expect(other.status).toBe(2);
      expect(other.stderr).toMatch(/^chainrule: --resume: --schedule is cosine:min=0 but the checkpoint was made with (step|plateau):/);
    });
  }

  it('wide layers split across 2 threads (the WebAssembly kernels\' resident optimizer) give the bytes of 1 thread with a schedule', async () => {
    const dir = tempDir();
    const flags = ['--layers', '64,64', '--activation', 'relu', '--batch-size', '256', '--epochs', '4', '--optimizer', 'momentum', '--lr', '0.05',
      '--schedule', 'exponential:gamma=0.5', '--quiet'];
    const [one, two, plain] = await Promise.all([
      runCliAsync(['train', ...flags, '--threads', '1', '--out', 'one.json'], dir),
      runCliAsync(['train', ...flags, '--threads', '2', '--out', 'two.json'], dir),
      runCliAsync(['train', ...flags.slice(0, -3), '--quiet', '--out', 'plain.json'], dir),
    ]);
    for (const r of [one, two, plain]) expect(r.status, r.stderr).toBe(0);
    const text = (f: string) => readFileSync(join(dir, f), 'utf8');
    expect(text('two.json')).toBe(text('one.json'));
    expect(JSON.parse(text('one.json')).training.history.map((h: { lr: number }) => h.lr)).toEqual([0.05, 0.025, 0.0125, 0.00625]);
    // The schedule changed the weights (so the comparison above is not of two unscheduled runs).
    expect(JSON.parse(text('plain.json')).layers).not.toEqual(JSON.parse(text('one.json')).layers);
  });

  it.each([
    [['--schedule', 'warmup:steps=3'], /^chainrule: --schedule unknown schedule "warmup" \(expected one of step, exponential, cosine, plateau\), got "warmup:steps=3"\n$/],
    [['--schedule', 'step:every=2.5'], /^chainrule: --schedule step: every must be a positive integer, got 2.5/],
    [['--schedule', 'plateau'], /^chainrule: --schedule plateau reads the validation loss: it needs a validation split, e.g. --val 0.2\n$/],
  ])('%j is one exit-2 line', (flags, message) => {
    const r = runCli(['train', '--epochs', '2', '--quiet', '--out', 'x.json', ...flags], tempDir());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
