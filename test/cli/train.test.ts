/**
 * `chainrule train` end to end: reproducible bytes for a seed, Net 2's full-batch trajectory from
 * a hand-written `--init` model equal to the plain scalar loop, and bad input rejected with exit
 * code 2, one line on stderr, no stack trace and no file written.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, FIXTURES, removeTempDirs, runCli, runCliAsync, tempDir } from './helpers.js';
import type { P } from '../fixtures/net2.js';
import { P0, ROWS, expectParamsClose, plainStep } from '../fixtures/net2.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

describe('train --seed: same seed, same bytes', () => {
  it('train --seed 7 --epochs 20 twice → byte-identical model files; --seed 8 → different weights', async () => {
    const dir = tempDir();
    const common = ['train', '--epochs', '20', '--quiet'];
    const runs = await Promise.all([
      runCliAsync([...common, '--seed', '7', '--out', 'a.json'], dir),
      runCliAsync([...common, '--seed', '7', '--out', 'b.json'], dir),
      runCliAsync([...common, '--seed', '8', '--out', 'c.json'], dir),
    ]);
    runs.forEach((r) => expect(r.status, r.stderr).toBe(0));
    const [a, b, c] = ['a.json', 'b.json', 'c.json'].map((f) => readFileSync(join(dir, f)));
    // The out path is not part of the model, so the two files can be compared byte for byte.
    expect(a.equals(b)).toBe(true);
    const layers = (buf: Buffer) => JSON.parse(buf.toString()).layers;
    expect(layers(c)).not.toEqual(layers(a));
    expect(JSON.parse(a.toString()).training.seed).toBe(7);
  });

  it('mini-batch, shuffled, adam, --layers 4,3 --activation tanh --seed 11 twice → byte-identical', async () => {
    const dir = tempDir();
    const args = ['train', '--epochs', '8', '--quiet', '--layers', '4,3', '--activation', 'tanh', '--optimizer', 'adam', '--lr', '0.01', '--batch-size', '16', '--seed', '11'];
    const [r1, r2] = await Promise.all([runCliAsync([...args, '--out', 'a.json'], dir), runCliAsync([...args, '--out', 'b.json'], dir)]);
    expect(r1.status, r1.stderr).toBe(0);
    expect(r2.status, r2.stderr).toBe(0);
    expect(readFileSync(join(dir, 'a.json')).equals(readFileSync(join(dir, 'b.json')))).toBe(true);
    const layers = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')).layers;
    expect(layers.map((l: { activation: string; bias: number[] }) => [l.activation, l.bias.length])).toEqual([['tanh', 4], ['tanh', 3], ['sigmoid', 1]]);
  });
});

describe('train --init: Net 2 full-batch gradient descent equals the plain loop', () => {
  it('fixtures agree with test/fixtures/net2.ts (P0 and the 12 rows)', () => {
    const init = JSON.parse(readFileSync(join(FIXTURES, 'net2-init.json'), 'utf8'));
    expect(init.layers[0].weights).toEqual([[P0.w11, P0.w21], [P0.w12, P0.w22]]);
    expect(init.layers[0].bias).toEqual([P0.b1, P0.b2]);
    expect(init.layers[1].weights).toEqual([[P0.w1, P0.w2]]);
    expect(init.layers[1].bias).toEqual([P0.b3]);
    const csv = readFileSync(join(FIXTURES, 'net2-rows.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    expect(csv).toEqual(ROWS);
  });

  for (const eta of [0.5, 2]) {
    it(`--init net2-init.json --batch-size full --no-standardize --optimizer sgd --lr ${eta} --epochs 100: weights and losses to 1e-12`, () => {
      const dir = tempDir();
      const r = runCli([
        'train', '--init', join(FIXTURES, 'net2-init.json'), '--data', join(FIXTURES, 'net2-rows.csv'),
        '--batch-size', 'full', '--no-standardize', '--optimizer', 'sgd', '--lr', String(eta), '--epochs', '100',
        '--quiet', '--out', 'out.json',
      ], dir);
      expect(r.status, r.stderr).toBe(0);
      const model = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
      // Still raw inputs: --init's encoders are kept, --no-standardize adds none.
      expect(model.inputs.map((i: { mean?: number }) => i.mean)).toEqual([undefined, undefined]);
      const [h, o] = model.layers;
      const got: P = {
        w11: h.weights[0][0], w21: h.weights[0][1], w12: h.weights[1][0], w22: h.weights[1][1], b1: h.bias[0], b2: h.bias[1],
        w1: o.weights[0][0], w2: o.weights[0][1], b3: o.bias[0],
      };
      const plain = { ...P0 };
      const losses = Array.from({ length: 100 }, () => plainStep(plain, ROWS, eta));
      expectParamsClose(got, plain, 1e-12);
      const history: { epoch: number; loss: number }[] = model.training?.history ?? [];
      if (history.length) {
        expect(history).toHaveLength(100);
        history.forEach((rec, i) => expect(Math.abs(rec.loss - losses[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, losses[i])));
      }
      // It moved: the plain loop's weights are far from where they started.
      expect(Math.abs(plain.w1 - P0.w1)).toBeGreaterThan(0.1);
    });
  }
});

/** A valid hand-written model (the Net 2 fixture) altered by `mutate`, written into `dir`. */
function brokenModel(dir: string, name: string, mutate: (m: any) => void): string {
  const m = JSON.parse(readFileSync(join(FIXTURES, 'net2-init.json'), 'utf8'));
  mutate(m);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(m));
  return name;
}

interface BadCase {
  what: string;
  args: (dir: string) => string[];
  /** What the one stderr line must say. */
  message: RegExp;
}

const BAD: BadCase[] = [
  {
    what: 'train --init with a missing field (layers[0].bias)',
    args: (dir) => ['train', '--init', brokenModel(dir, 'm.json', (m) => { delete m.layers[0].bias; })],
    message: /m\.json: layers\[0\]\.bias\b/,
  },
  {
    what: 'train --init with a wrong-typed field (layers[1].weights[0][1] = "heavy")',
    args: (dir) => ['train', '--init', brokenModel(dir, 'm.json', (m) => { m.layers[1].weights[0][1] = 'heavy'; })],
    message: /m\.json: layers\[1\]\.weights\[0\]\[1\]/,
  },
  {
    what: 'train --init with an unknown activation in the file (layers[0].activation = "softmax")',
    args: (dir) => ['train', '--init', brokenModel(dir, 'm.json', (m) => { m.layers[0].activation = 'softmax'; })],
    message: /m\.json: layers\[0\]\.activation/,
  },
  { what: 'train --init with a non-existent model file', args: () => ['train', '--init', 'absent.json'], message: /absent\.json/ },
  { what: 'train --data with a non-existent CSV', args: () => ['train', '--data', 'absent.csv'], message: /absent\.csv/ },
  { what: 'train --activation softmax', args: () => ['train', '--activation', 'softmax'], message: /--activation .*softmax/ },
  { what: 'train --lr -1', args: () => ['train', '--lr', '-1'], message: /--lr .*-1/ },
  { what: 'train --layers 0', args: () => ['train', '--layers', '0'], message: /--layers .*0/ },
  { what: 'train --epochs 0', args: () => ['train', '--epochs', '0'], message: /--epochs .*0/ },
  {
    what: 'predict --model with a missing field (layers[1].weights)',
    args: (dir) => ['predict', '--model', brokenModel(dir, 'm.json', (m) => { delete m.layers[1].weights; }), '--input', '{"years_experience":1,"performance_score":2}'],
    message: /m\.json: layers\[1\]\.weights\b/,
  },];

// Concurrent: each case is one CLI spawn in its own directory, so they can overlap.
describe.concurrent('bad input: exit code 2, exactly one line on stderr, no stack trace, no file written', () => {
  for (const c of BAD) {
    it(c.what, async ({ expect }) => {
      const dir = tempDir();
      const args = c.args(dir);
      const before = readdirSync(dir).sort();
      // Few epochs in case the input were wrongly accepted; --out so a written model lands where we look.
      const extra = args[0] !== 'train' ? [] : [...(args.includes('--epochs') ? [] : ['--epochs', '2']), '--out', 'out.json'];
      const r = await runCliAsync([...args, ...extra], dir);
      expect(r.status, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => l.length > 0);
      expect(lines, r.stderr).toHaveLength(1);
      expect(r.stderr.endsWith('\n')).toBe(true);
      expect(lines[0]).toMatch(/^chainrule: /);
      expect(lines[0]).toMatch(c.message);
      expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/);
      expect(r.stdout).toBe('');
      expect(readdirSync(dir).sort()).toEqual(before);
    });
  }
});

describe('train writes where --out says, atomically', () => {
  it('--out into a directory that holds a file of the same name as a directory fails with exit 1 or 2 and leaves no temp file', () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'net2-rows.csv'), join(dir, 'rows.csv'));
    const r = runCli(['train', '--data', 'rows.csv', '--epochs', '2', '--quiet', '--out', 'rows.csv/model.json'], dir);
    expect([1, 2]).toContain(r.status);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(readdirSync(dir)).toEqual(['rows.csv']);
  });
});
