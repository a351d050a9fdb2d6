/**
 * Issue 14 items 9, 10 and 14 (early stopping): what `chainrule train` tells a user who gave it
 * a bad learning rate, an unwritable --out, or a run that stopped early.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { constantLoss, lossWarning } from '../../src/cli/train-notices.js';
import { assertBuilt, REPO, removeTempDirs, runCli, runCliAsync, tempDir } from '../cli/helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

describe('item 9: a loss that ends above its start names --lr', () => {
  test('train --lr 1e6: exit 0, the model written, and one warning naming --lr', async () => {
    const dir = tempDir();
    const r = await runCliAsync(['train', '--lr', '1e6', '--quiet', '--out', 'm.json'], dir);
    expect(r.status).toBe(0);
    const history = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).training.history as { loss: number }[];
    const final = history.at(-1)!.loss;
    const epochs = history.length;
    expect(final).toBeGreaterThan(1000);
    // The base rate of the bundled data, counted here from the file itself.
    const labels = readFileSync(join(REPO, 'data/promotion.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',').at(-1)));
    const p = labels.reduce((a, b) => a + b, 0) / labels.length;
    const h = -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    // Which of the two tells depends on whether epoch 1 was already worse than the end.
    const why = final > history[0].loss
      ? `rose from ${history[0].loss.toPrecision(6)} (epoch 1) to ${final.toPrecision(6)} (epoch ${epochs})`
      : `${final.toPrecision(6)} (epoch ${epochs}) is above ${h.toPrecision(6)}, the loss of always predicting the base rate`;
    expect(r.stderr).toBe(`chainrule: warning: the training loss ${why}; the learning rate may be too large: try a smaller --lr than 1000000\n`);
  }, 60_000);

  test('the default run gives no warning', async () => {
    const r = await runCliAsync(['train', '--quiet', '--epochs', '50', '--out', 'm.json'], tempDir());
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  }, 60_000);

  test('lossWarning: rose above the first epoch, above the constant, neither', () => {
    expect(lossWarning([{ loss: 0.5 }, { loss: 0.7 }], 2)).toBe('chainrule: warning: the training loss rose from 0.500000 (epoch 1) to 0.700000 (epoch 2); the learning rate may be too large: try a smaller --lr than 2');
    expect(lossWarning([{ loss: 9 }, { loss: 8 }], 2, 0.69)).toMatch(/training loss 8\.00000 \(epoch 2\) is above 0\.690000, the loss of always predicting the base rate; .* --lr than 2$/);
    expect(lossWarning([{ loss: 0.69 }, { loss: 0.3 }], 2, 0.69)).toBeUndefined();
    expect(lossWarning([{ loss: 0.7 }, { loss: 0.69 }], 2, 0.6931)).toBeUndefined(); // no signal: ends at the constant's loss
    expect(constantLoss(0.5, 'bce', false)).toBeCloseTo(Math.LN2, 15);
    expect(constantLoss(0.1, 'bce', true)).toBeCloseTo(Math.LN2, 15);
    expect(constantLoss(0.2, 'mse', false)).toBeCloseTo(0.16, 15);
    expect(constantLoss(1, 'bce', false)).toBe(0);
  });
});

describe('item 10: an unwritable --out is refused before training', () => {
  const cases: [string, (dir: string) => string, RegExp][] = [
    ['a missing folder', (dir) => join(dir, 'no', 'such', 'm.json'), /^chainrule: --out .*no\/such\/m\.json: the folder .*no\/such does not exist\n$/],
    ['a folder', (dir) => { mkdirSync(join(dir, 'd')); return join(dir, 'd'); }, /^chainrule: --out .*\/d: is a folder; give a file name\n$/],
  ];
  for (const [what, out, message] of cases) {
    test(`${what}: exit 2 at once, naming the path, no epoch printed`, () => {
      const dir = tempDir();
      const t0 = performance.now();
      // 100,000 epochs would take minutes: the refusal must come first.
      const r = runCli(['train', '--epochs', '100000', '--out', out(dir)], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(performance.now() - t0).toBeLessThan(10_000);
    });
  }

  test.skipIf(process.getuid?.() === 0)('a read-only folder (not as root, who may write anywhere): exit 2 naming EACCES', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'ro'));
    chmodSync(join(dir, 'ro'), 0o555);
    const r = runCli(['train', '--epochs', '100000', '--out', join(dir, 'ro', 'm.json')], dir);
    chmodSync(join(dir, 'ro'), 0o755);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^chainrule: --out .*ro\/m\.json: cannot write in .*ro \(EACCES\)\n$/);
    expect(existsSync(join(dir, 'ro', 'm.json'))).toBe(false);
  });

  test('a read-only mount (a tmpfs mounted ro, where mounting is permitted): exit 2 naming EROFS', (ctx) => {
    const dir = tempDir();
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    if (process.platform !== 'linux' || spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=16k', 'tmpfs', ro]).status !== 0) {
      ctx.skip();
      return;
    }
    try {
      const r = runCli(['train', '--epochs', '100000', '--out', join(ro, 'm.json')], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^chainrule: --out .*ro\/m\.json: cannot write in .*ro \(EROFS\)\n$/);
    } finally {
      spawnSync('umount', [ro]);
      rmdirSync(ro);
    }
  });

  test('--checkpoint in a missing folder: exit 2 before training', () => {
    const dir = tempDir();
    const r = runCli(['train', '--epochs', '100000', '--checkpoint-every', '10', '--checkpoint', join(dir, 'gone', 'c.json'), '--out', join(dir, 'm.json')], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^chainrule: --checkpoint .*gone\/c\.json: the folder .*gone does not exist\n$/);
  });
});

describe('item 14: an early-stopped run says so in text mode', () => {
  test('--val 0.2 --patience 5: "stopped early at epoch N; best epoch M", N and M from the model file', async () => {
    const dir = tempDir();
    const r = await runCliAsync(['train', '--val', '0.2', '--patience', '5', '--optimizer', 'adam', '--lr', '0.3', '--quiet', '--out', 'm.json'], dir);
    expect(r.status).toBe(0);
    const training = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).training;
    expect(training.epochs).toBeLessThan(300);
    const history = training.history as { epoch: number; valLoss: number }[];
    // The best epoch is the one with the least validation loss, counted here.
    const best = history.reduce((b, h) => (h.valLoss < b.valLoss ? h : b)).epoch;
    expect(r.stdout).toContain(`stopped early at epoch ${history.length}; best epoch ${best} (no better validation loss for 5 epochs), its weights kept\n`);
  }, 60_000);
});

describe('lossWarning margin', () => {
  test('a short run that ends a little above the constant loss (0.75 vs ln 2) is not warned about; 1.5 × is', () => {
    expect(lossWarning([{ loss: 0.8 }, { loss: 0.75 }], 0.5, Math.LN2)).toBeUndefined();
    expect(lossWarning([{ loss: 1.2 }, { loss: 1.05 }], 0.5, Math.LN2)).toMatch(/is above 0\.693147, the loss of always predicting the base rate/);
  });
});
