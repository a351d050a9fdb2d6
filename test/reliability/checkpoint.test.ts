/**
 * The checkpoint file: a model file plus the loop state. Round trip bit for bit (doubles through
 * JSON), validation naming the bad field, flags reconciled on resume naming the conflicting flag.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import { createNetwork } from '../../src/math/init.js';
import { networkLayers } from '../../src/model/convert.js';
import { loadModel } from '../../src/model/file.js';
import type { ModelFile } from '../../src/model/schema.js';
import { optimizerConfig } from '../../src/math/optimizers.js';
import { fit } from '../../src/train/fit.js';
import type { FitState } from '../../src/train/fit.js';
import {
  CheckpointError, loadCheckpoint, parseCheckpoint, reconcileFlags, saveCheckpoint, serializeCheckpoint,
} from '../../src/app/checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real loop state: 6 epochs of Adam with validation on a 3-4-1 tanh network. */
function realCheckpoint() {
  const rng = createRng(5);
  const n = 40;
  const X = Float64Array.from({ length: n * 3 }, () => rng.normal());
  const Y = Float64Array.from({ length: n }, (_, i) => (X[i * 3] + X[i * 3 + 2] > 0 ? 1 : 0));
  const net = createNetwork({ inputs: 3, hidden: [4], activation: 'tanh' }, createRng(1));
  const result = fit(net, { X, Y, n }, {
    epochs: 6, batchSize: 8, optimizer: optimizerConfig('adam', 0.01), rng: createRng(2),
    validation: { X: X.subarray(0, 30), Y: Y.subarray(0, 10), n: 10 }, patience: 10,
  });
  const model: ModelFile = {
    format: 'chainrule/model', version: 1,
    inputs: [{ name: 'a', kind: 'numeric' }, { name: 'b', kind: 'numeric', mean: 1, std: 2 }, { name: 'c', kind: 'numeric' }],
    target: { name: 'y', positive: '1' }, layers: networkLayers(net), loss: 'bce', threshold: 0.5,
    training: { seed: 2 },
  };
  return { model, flags: { lr: 0.01, layers: [4], optimizer: 'adam', standardize: true }, state: result.state };
}

describe('checkpoint file', () => {
  test('save then load gives back every double bit for bit (moments, rng, history, best, parameters)', () => {
    const ckpt = realCheckpoint();
    const file = join(dir, 'a.ckpt.json');
    saveCheckpoint(file, ckpt);
    const back = loadCheckpoint(file);
    expect(back.state).toEqual(ckpt.state);
    expect(back.model).toEqual(ckpt.model);
    expect(back.flags).toEqual(ckpt.flags);
    // Object.is distinguishes -0 and compares NaN: the strictest equality on each number.
    back.state.optimizer.moments.flat(2).forEach((v, i) => expect(Object.is(v, ckpt.state.optimizer.moments.flat(2)[i])).toBe(true));
    expect(ckpt.state.optimizer.moments).toHaveLength(2); // Adam: m and v
    expect(ckpt.state.best.length).toBe(4);
  });

  test('a checkpoint is also a model file: loadModel accepts it', () => {
    const file = join(dir, 'b.ckpt.json');
    saveCheckpoint(file, realCheckpoint());
    expect(loadModel(file).layers).toHaveLength(2);
  });

  test('a model file without a checkpoint block is refused, naming the missing block', () => {
    const { model } = realCheckpoint();
    expect(() => parseCheckpoint(model)).toThrow(/^checkpoint: missing: this is a model file/);
  });

  const broken: [string, (s: FitState) => void, RegExp][] = [
    ['an rng state of 3 words', (s) => { s.rng = s.rng.slice(0, 3); }, /^checkpoint\.state\.rng: /],
    ['a NaN loss in the history', (s) => { s.history[2].loss = NaN; }, /^checkpoint\.state\.history\[2\]\.loss: /],
    ['a moment buffer of the wrong size', (s) => { s.optimizer.moments[1][0].pop(); }, /^checkpoint\.state\.optimizer\.moments\[1\]\[0\]: expected 12 values, got 11/],
    ['a history shorter than the epoch', (s) => { s.history.pop(); }, /^checkpoint\.state\.history: expected 6 epochs/],
    ['a negative step count', (s) => { s.optimizer.step = -1; }, /^checkpoint\.state\.optimizer\.step: /],
    ['a best epoch after the epoch', (s) => { s.bestEpoch = 9; }, /^checkpoint\.state\.bestEpoch: expected at most the epoch 6, got 9/],
  ];
  for (const [what, breakIt, message] of broken) {
    test(`refuses ${what}, naming the field`, () => {
      const ckpt = realCheckpoint();
      const json = JSON.parse(serializeCheckpoint(ckpt));
      breakIt(json.checkpoint.state);
      // JSON turns NaN into null: write the broken value as the file would hold it.
      expect(() => parseCheckpoint(JSON.parse(JSON.stringify(json)))).toThrow(message);
    });
  }

  test('loadCheckpoint names the file for a missing file, bad JSON and a bad field; exit code 2', () => {
    expect(() => loadCheckpoint(join(dir, 'none.json'))).toThrow(/none\.json: no such checkpoint file/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "chainrule/mo');
    expect(() => loadCheckpoint(bad)).toThrow(/bad\.json: not valid JSON/);
    const text = readFileSync(join(dir, 'a.ckpt.json'), 'utf8').replace('"chainrule/checkpoint"', '"chainrule/other"');
    writeFileSync(bad, text);
    try {
      loadCheckpoint(bad);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as Error).message).toMatch(/bad\.json: checkpoint\.format: /);
      expect((err as CheckpointError).exitCode).toBe(2);
    }
  });
});

describe('reconcileFlags', () => {
  const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const recorded = { lr: 0.1, layers: [4, 2], batchSize: 'full', optimizer: 'adam', epochs: 50 };

  test('flags left at their defaults take the checkpoint\'s values', () => {
    const current = { lr: 0.5, layers: [2], batchSize: 32, optimizer: 'sgd', epochs: 300 };
    expect(reconcileFlags(recorded, current, new Set(), flag)).toEqual(recorded);
  });

  test('a given flag equal to the checkpoint\'s is fine', () => {
    const current = { lr: 0.1, layers: [4, 2], batchSize: 32, optimizer: 'sgd', epochs: 300 };
    expect(reconcileFlags(recorded, current, new Set(['lr', 'layers']), flag)).toEqual(recorded);
  });

  test('a given flag that differs is refused, naming the flag and both values', () => {
    const current = { ...recorded, batchSize: 16 };
    expect(() => reconcileFlags(recorded, current, new Set(['batchSize']), flag))
      .toThrow('--resume: --batch-size is 16 but the checkpoint was made with full; resume with the same --batch-size');
    expect(() => reconcileFlags(recorded, { ...recorded, layers: [4] }, new Set(['layers']), flag))
      .toThrow(/--layers is 4 but the checkpoint was made with 4,2/);
  });

  test('a changeable flag (--epochs) may differ when given', () => {
    const current = { ...recorded, epochs: 80 };
    expect(reconcileFlags(recorded, current, new Set(['epochs']), flag, new Set(['epochs'])).epochs).toBe(80);
  });
});
