/**
 * The model file v1: round trips, validation that names the bad field by its path, and atomic
 * saving (no temp file left behind, never a truncated file seen by a concurrent reader).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBinary, parseModel } from '../../src/model/schema.js';
import { loadModel, ModelFileError, saveModel, serializeModel } from '../../src/model/file.js';
import { modelToNetwork, networkLayers } from '../../src/model/convert.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'chainrule-model-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A complete, valid 2-2-1 promotion model (every optional block present). */
function validModel(): any {
  return {
    format: 'chainrule/model',
    version: 1,
    inputs: [
      { name: 'years_experience', kind: 'numeric', mean: 7.9, std: 5.1, min: 0, max: 30 },
      { name: 'performance_score', kind: 'numeric' },
    ],
    target: { name: 'promoted', positive: '1' },
    layers: [
      { activation: 'sigmoid', weights: [[0.15, -0.4], [0.6, 0.35]], bias: [0.1, -0.25] },
      { activation: 'sigmoid', weights: [[1.2, -0.8]], bias: [0.05] },
    ],
    loss: 'bce',
    threshold: 0.5,
    training: { seed: 42, optimizer: { name: 'sgd', lr: 0.5 }, epochs: 200, history: [{ epoch: 1, loss: 0.69 }] },
  };
}

/** parseModel's error message for a model altered by `mutate`. */
function errorOf(mutate: (m: any) => void): string {
  const m = validModel();
  mutate(m);
  try {
    parseModel(m);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('parseModel accepted an invalid model');
}

describe('parseModel round trip', () => {
  it('valid model → JSON text → parseModel gives back the same object', () => {
    const m = validModel();
    const text = serializeModel(parseModel(m));
    expect(parseModel(JSON.parse(text))).toEqual(m);
    // Same model, same bytes.
    expect(serializeModel(parseModel(JSON.parse(text)))).toBe(text);
  });

  it('a hand-written model without loss, threshold or training gets loss "bce" and threshold 0.5', () => {
    const m = validModel();
    delete m.loss;
    delete m.threshold;
    delete m.training;
    const parsed = parseModel(m);
    expect(parsed.loss).toBe('bce');
    expect(isBinary(parsed) && parsed.threshold).toBe(0.5);
    expect(parsed.training).toBeUndefined();
  });

  it('modelToNetwork → networkLayers gives back the layers; weights[j][i] lands at j·inputs + i', () => {
    const m = parseModel(validModel());
    const net = modelToNetwork(m);
    expect(net.layers[0].inputs).toBe(2);
    expect(net.layers[0].units).toBe(2);
    expect(Array.from(net.layers[0].weights)).toEqual([0.15, -0.4, 0.6, 0.35]);
    expect(networkLayers(net)).toEqual(m.layers);
  });
});

describe('parseModel names the bad field', () => {
  const cases: [string, (m: any) => void, RegExp][] = [
    ['missing target', (m) => { delete m.target; }, /^target:/],
    ['missing layers[0].bias', (m) => { delete m.layers[0].bias; }, /^layers\[0\]\.bias:/],
    ['missing inputs[1].name', (m) => { delete m.inputs[1].name; }, /^inputs\[1\]\.name:/],
    ['wrong type: layers[0].bias[1] is a string', (m) => { m.layers[0].bias[1] = '0.2'; }, /^layers\[0\]\.bias\[1\]:/],
    ['wrong type: layers[1].weights[0][1] is null', (m) => { m.layers[1].weights[0][1] = null; }, /^layers\[1\]\.weights\[0\]\[1\]:/],
    ['wrong type: target.positive is a number', (m) => { m.target.positive = 1; }, /^target\.positive:/],
    ['wrong type: inputs[0].mean is Infinity', (m) => { m.inputs[0].mean = Infinity; }, /^inputs\[0\]\.mean:/],
    ['unknown activation "softmax"', (m) => { m.layers[0].activation = 'softmax'; }, /^layers\[0\]\.activation:/],
    ['unknown loss "hinge"', (m) => { m.loss = 'hinge'; }, /^loss:/],
    ['format "keras"', (m) => { m.format = 'keras'; }, /^format:/],
    // Version 2 exists since tasks (test/tasks/model-file.test.ts); 3 does not.
    ['version 3', (m) => { m.version = 3; }, /^version: must be 1 or 2, got 3/],
    ['threshold 1.5', (m) => { m.threshold = 1.5; }, /^threshold:/],
    ['wrong shape: layers[1].weights[0] has 3 weights for 2 inputs', (m) => { m.layers[1].weights[0] = [1, 2, 3]; }, /^layers\[1\]\.weights\[0\]: .*2.*3/],
    ['wrong shape: layers[0].bias has 3 values for 2 units', (m) => { m.layers[0].bias = [0, 0, 0]; }, /^layers\[0\]\.bias: .*2.*3/],
    ['wrong shape: a third input but layers[0] takes 2', (m) => { m.inputs.push({ name: 'age', kind: 'numeric' }); }, /^layers\[0\]\.weights\[0\]: .*3.*2/],
    ['wrong shape: two output units', (m) => { m.layers[1].weights.push([1, 1]); m.layers[1].bias.push(0); }, /^layers\[1\]\.weights: .*1 unit/],
    ['bce with a tanh output', (m) => { m.layers[1].activation = 'tanh'; }, /^layers\[1\]\.activation: .*sigmoid/],
    ['empty layers', (m) => { m.layers = []; }, /^layers:/],
  ];
  for (const [what, mutate, pattern] of cases) {
    it(`${what} → message matches ${pattern}`, () => {
      expect(errorOf(mutate)).toMatch(pattern);
    });
  }

  it('a categorical input expands to one column per category: 3 categories + 1 numeric = 4 weights per hidden unit', () => {
    const m = validModel();
    m.inputs[1] = { name: 'department', kind: 'categorical', categories: ['Sales', 'HR', 'IT'] };
    expect(() => parseModel(m)).toThrow(/^layers\[0\]\.weights\[0\]: .*4.*2/);
    m.layers[0].weights = [[1, 2, 3, 4], [5, 6, 7, 8]];
    expect(parseModel(m).layers[0].weights[1]).toEqual([5, 6, 7, 8]);
  });
});

describe('loadModel', () => {
  it('a non-existent file: ModelFileError naming the file', () => {
    const path = join(tempDir(), 'absent.json');
    expect(() => loadModel(path)).toThrow(ModelFileError);
    expect(() => loadModel(path)).toThrow(`${path}: no such model file`);
  });

  it('invalid JSON: ModelFileError naming the file and saying so', () => {
    const path = join(tempDir(), 'broken.json');
    writeFileSync(path, '{"format": "chainrule/model", ');
    expect(() => loadModel(path)).toThrow(/broken\.json: not valid JSON/);
  });

  it('a wrong-typed field: ModelFileError naming the file and the field path', () => {
    const path = join(tempDir(), 'bad.json');
    const m = validModel();
    m.layers[0].weights[1][0] = 'heavy';
    writeFileSync(path, JSON.stringify(m));
    expect(() => loadModel(path)).toThrow(ModelFileError);
    expect(() => loadModel(path)).toThrow(`${path}: layers[0].weights[1][0]`);
  });
});

describe('saveModel is atomic', () => {
  it('saving into an empty directory leaves exactly the model file, which loads back equal', () => {
    const dir = tempDir();
    const path = join(dir, 'model.json');
    saveModel(path, parseModel(validModel()));
    expect(readdirSync(dir)).toEqual(['model.json']);
    expect(loadModel(path)).toEqual(validModel());
  });

  it('overwriting an existing model leaves exactly one file with the new content', () => {
    const dir = tempDir();
    const path = join(dir, 'model.json');
    saveModel(path, parseModel(validModel()));
    const m = parseModel(validModel());
    m.layers[1].bias[0] = -3.25;
    saveModel(path, m);
    expect(readdirSync(dir)).toEqual(['model.json']);
    expect(loadModel(path).layers[1].bias[0]).toBe(-3.25);
  });

  it('a save that fails (the target is a directory) throws and leaves no temp file behind', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'model.json'));
    expect(() => saveModel(join(dir, 'model.json'), parseModel(validModel()))).toThrow();
    expect(readdirSync(dir)).toEqual(['model.json']);
  });

  it('a save into a missing directory throws and creates nothing', () => {
    const dir = tempDir();
    expect(() => saveModel(join(dir, 'nope', 'model.json'), parseModel(validModel()))).toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a reader polling the file while 60 large models (~0.35 MB each) are saved over it never sees a truncated file', async () => {
    const dir = tempDir();
    const path = join(dir, 'model.json');
    const big = (k: number) => {
      const m = parseModel(validModel());
      m.training = { history: Array.from({ length: 6000 }, (_, e) => ({ epoch: e + 1, loss: k + e / 6000 })) };
      return m;
    };
    const models = [big(0), big(1)];
    saveModel(path, models[0]);
    // The reader is a separate process using only fs, so it reads while this one writes.
    const reader = spawn(process.execPath, ['-e', `
      const fs = require('fs');
      const path = ${JSON.stringify(path)};
      let reads = 0, bad = 0;
      process.stdout.write('ready\\n');
      const until = Date.now() + 20000;
      while (!fs.existsSync(path + '.stop') && Date.now() < until) {
        let text;
        try { text = fs.readFileSync(path, 'utf8'); } catch { continue; }
        reads++;
        try { JSON.parse(text); } catch { bad++; }
      }
      process.stdout.write(JSON.stringify({ reads, bad }) + '\\n');
    `]);
    let out = '';
    reader.stdout.on('data', (chunk) => { out += chunk; });
    await new Promise<void>((resolve) => {
      const poll = () => (out.includes('ready') ? resolve() : setTimeout(poll, 5));
      poll();
    });
    // At least 60 saves and 300 ms, so that a slow-starting reader still overlaps the writes.
    const t0 = Date.now();
    for (let i = 0; i < 60 || Date.now() - t0 < 300; i++) saveModel(path, models[i % 2]);
    writeFileSync(`${path}.stop`, '');
    await new Promise((resolve) => reader.on('close', resolve));
    const { reads, bad } = JSON.parse(out.trim().split('\n').pop() as string);
    expect(reads).toBeGreaterThan(5);
    expect(bad).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.json.stop']);
    expect(JSON.parse(readFileSync(path, 'utf8')).training.history).toHaveLength(6000);
  });
});
