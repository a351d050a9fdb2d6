/**
 * Resume through the CLI: a run cut short and resumed from its checkpoint writes the same model
 * file, byte for byte, as a run never stopped, for SGD, momentum and Adam (mini-batch, shuffled;
 * and full batch with validation and patience). The "crash" is real: the first run is killed with
 * SIGKILL once its checkpoint exists. Conflicting flags and other data are refused by name.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCheckpoint } from '../../src/app/checkpoint.js';
import { loadModel } from '../../src/model/file.js';
import { assertBuilt, CLI, REPO, removeTempDirs, runCliAsync, tempDir } from '../cli/helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

/** Runs train until `ckpt` holds a checkpoint at `epoch` or later, then SIGKILLs it. */
function trainUntilCheckpoint(args: string[], cwd: string, ckpt: string, epoch: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore' });
    const timer = setInterval(() => {
      try {
        if (existsSync(join(cwd, ckpt)) && loadCheckpoint(join(cwd, ckpt)).state.epoch >= epoch) child.kill('SIGKILL');
      } catch { /* only atomic writes: a reader never sees half a file, but keep polling regardless */ }
    }, 5);
    child.on('error', reject);
    child.on('close', () => {
      clearInterval(timer);
      resolve();
    });
  });
}

const cases: [string, string[]][] = [
  ['sgd', ['--optimizer', 'sgd', '--lr', '0.5', '--batch-size', '16']],
  ['momentum', ['--optimizer', 'momentum', '--lr', '0.05', '--batch-size', '32', '--layers', '3,2', '--activation', 'tanh']],
  ['adam', ['--optimizer', 'adam', '--lr', '0.02', '--batch-size', '50']],
  ['adam, full batch, validation and patience', ['--optimizer', 'adam', '--lr', '0.05', '--batch-size', 'full', '--val', '0.2', '--patience', '400']],
  ['momentum, L2, balanced class weights, no shuffle', ['--optimizer', 'momentum', '--lr', '0.05', '--l2', '0.01', '--class-weight', 'balanced', '--no-shuffle']],
];

describe('train --resume via the CLI equals an uninterrupted run byte for byte', () => {
  for (const [name, flags] of cases) {
    test(`${name}: resumed from the epoch-50 checkpoint of 60, same model file bytes`, async () => {
      const dir = tempDir();
      const base = [...flags, '--epochs', '60', '--seed', '7', '--quiet'];
      const [straight, first] = await Promise.all([
        runCliAsync(['train', ...base, '--out', 'straight.json'], dir),
        runCliAsync(['train', ...base, '--out', 'first.json', '--checkpoint-every', '25', '--checkpoint', 'run.ckpt'], dir),
      ]);
      expect(straight.status, straight.stderr).toBe(0);
      expect(first.status, first.stderr).toBe(0);
      const ckpt = loadCheckpoint(join(dir, 'run.ckpt'));
      expect(ckpt.state.epoch).toBe(50);
      const optimizer = flags[flags.indexOf('--optimizer') + 1];
      const momentCount: Record<string, number> = { sgd: 0, momentum: 1, adam: 2 };
      expect(optimizer in momentCount, optimizer).toBe(true);
      expect(ckpt.state.optimizer.moments).toHaveLength(momentCount[optimizer]);

      // Only --resume and --out: every other flag comes from the checkpoint.
      const resumed = await runCliAsync(['train', '--resume', 'run.ckpt', '--out', 'resumed.json', '--quiet'], dir);
      expect(resumed.status, resumed.stderr).toBe(0);
      const a = readFileSync(join(dir, 'straight.json'), 'utf8');
      expect(readFileSync(join(dir, 'resumed.json'), 'utf8')).toBe(a);
      expect(readFileSync(join(dir, 'first.json'), 'utf8')).toBe(a); // checkpointing does not change the run
      expect(loadModel(join(dir, 'resumed.json')).training?.history).toHaveLength(60);
    });
  }

  test('adam, killed with SIGKILL once its checkpoint exists, resumed: same model file bytes', async () => {
    const dir = tempDir();
    const base = ['--optimizer', 'adam', '--lr', '0.02', '--epochs', '800', '--seed', '3', '--quiet'];
    const straight = runCliAsync(['train', ...base, '--out', 'straight.json'], dir);
    await trainUntilCheckpoint(['train', ...base, '--out', 'cut.json', '--checkpoint-every', '20'], dir, 'cut.json.ckpt.json', 20);
    const ckpt = loadCheckpoint(join(dir, 'cut.json.ckpt.json'));
    expect(ckpt.state.epoch).toBeLessThan(800);
    expect(existsSync(join(dir, 'cut.json'))).toBe(false);
    const resumed = await runCliAsync(['train', '--resume', 'cut.json.ckpt.json', '--out', 'resumed.json', '--quiet'], dir);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect((await straight).status).toBe(0);
    expect(readFileSync(join(dir, 'resumed.json'), 'utf8')).toBe(readFileSync(join(dir, 'straight.json'), 'utf8'));
  });
});

describe('train --resume refuses what would not give the same model', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    const r = await runCliAsync(['train', '--epochs', '30', '--checkpoint-every', '10', '--optimizer', 'adam', '--lr', '0.05', '--out', 'm.json', '--quiet'], dir);
    expect(r.status, r.stderr).toBe(0);
  });

  test('a conflicting flag: exit 2, naming the flag and both values', async () => {
    const r = await runCliAsync(['train', '--resume', 'm.json.ckpt.json', '--optimizer', 'sgd', '--out', 'x.json'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--optimizer is sgd but the checkpoint was made with adam/);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  test('a flag equal to the checkpoint\'s is accepted', async () => {
    const r = await runCliAsync(['train', '--resume', 'm.json.ckpt.json', '--optimizer', 'adam', '--lr', '0.05', '--out', 'y.json', '--quiet'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'y.json'), 'utf8')).toBe(readFileSync(join(dir, 'm.json'), 'utf8'));
  });

  test('other data under the same name: exit 2 naming the data file', async () => {
    const csv = join(dir, 'data.csv');
    copyFileSync(join(REPO, 'data/promotion.csv'), csv);
    const r1 = await runCliAsync(['train', '--data', 'data.csv', '--epochs', '20', '--checkpoint-every', '5', '--out', 'd.json', '--quiet'], dir);
    expect(r1.status, r1.stderr).toBe(0);
    writeFileSync(csv, readFileSync(csv, 'utf8').replace(/\n[^\n]*\n$/, '\n')); // drop the last row
    const r2 = await runCliAsync(['train', '--resume', 'd.json.ckpt.json', '--out', 'e.json'], dir);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/data\.csv is not the data the checkpoint .* was trained on/);
  });

  test('a model file that is not a checkpoint, and --epochs not past the checkpoint: exit 2', async () => {
    const r = await runCliAsync(['train', '--resume', 'm.json', '--out', 'z.json'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/m\.json: checkpoint: missing/);
    const r2 = await runCliAsync(['train', '--resume', 'm.json.ckpt.json', '--epochs', '20', '--out', 'z.json'], dir);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/--epochs must be more than the checkpoint's epoch 20, got 20/);
  });

  test('--epochs may grow on resume: trains on to the new count, still checkpointing', async () => {
    const r = await runCliAsync(['train', '--resume', 'm.json.ckpt.json', '--epochs', '45', '--out', 'g.json', '--quiet'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(loadModel(join(dir, 'g.json')).training?.epochs).toBe(45);
    // --checkpoint-every 10 came from the checkpoint: the resumed run went on checkpointing.
    expect(loadCheckpoint(join(dir, 'g.json.ckpt.json')).state.epoch).toBe(40);
  });
});
