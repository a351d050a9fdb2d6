/**
 * `chainrule export` per task through the built CLI (npm test builds first): hand-written
 * multiclass and regression model files export to graphs whose ONNX Runtime outputs match
 * `chainrule predict --json` for the same rows (the probabilities object; the value in raw units),
 * checked against one row worked by hand; the terminal and --json describe the task's output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { featuresFromMetadata, maxAbsDiff, runOnnxOutput } from './ort.js';
import { decodeOnnx } from '../../src/model/onnx.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'chainrule-export-tasks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const INPUTS = [
  { name: 'years_experience', kind: 'numeric', mean: 10, std: 5.8 },
  { name: 'performance_score', kind: 'numeric', mean: 70, std: 17 },
];
const HIDDEN = { activation: 'tanh', weights: [[1.2, 0.4], [-0.3, 1.5]], bias: [0.1, -0.2] };

const MULTICLASS = {
  format: 'chainrule/model', version: 2, task: 'multiclass', inputs: INPUTS,
  target: { name: 'level', classes: ['none', 'senior', 'lead'] },
  layers: [HIDDEN, { activation: 'softmax', weights: [[-1.5, -1.2], [0.4, 0.3], [1.6, 1.4]], bias: [0.5, 0.2, -0.7] }],
  loss: 'cross_entropy',
};

const REGRESSION = {
  format: 'chainrule/model', version: 2, task: 'regression', inputs: INPUTS,
  target: { name: 'salary', mean: 80_000, std: 20_000 },
  layers: [HIDDEN, { activation: 'linear', weights: [[0.9, 0.7]], bias: [0.05] }],
  loss: 'mse',
};

const ROWS = [
  { years_experience: 0, performance_score: 40 },
  { years_experience: 12.5, performance_score: 91 },
  { years_experience: 20, performance_score: 100 },
  { years_experience: 4, performance_score: 65 },
];

/** The hidden layer by hand for a raw row. */
function hidden(row: { years_experience: number; performance_score: number }): [number, number] {
  const x = [(row.years_experience - 10) / 5.8, (row.performance_score - 70) / 17];
  return [Math.tanh(1.2 * x[0] + 0.4 * x[1] + 0.1), Math.tanh(-0.3 * x[0] + 1.5 * x[1] - 0.2)];
}

async function exported(model: object, name: string, output: string) {
  const modelPath = join(dir, `${name}.json`);
  writeFileSync(modelPath, JSON.stringify(model));
  const onnxPath = join(dir, `${name}.onnx`);
  const r = run('export', '--model', modelPath, '--onnx', onnxPath);
  const bytes = new Uint8Array(readFileSync(onnxPath));
  const meta = Object.fromEntries((decodeOnnx(bytes).metadata_props as { key: string; value: string }[]).map((p) => [p.key, p.value]));
  const ort = await runOnnxOutput(bytes, featuresFromMetadata(meta['chainrule.inputs'], ROWS), ROWS.length, output);
  const predicted = run('predict', '--model', modelPath, '--input', JSON.stringify(ROWS), '--json');
  return { r, meta, ort, predicted, modelPath, onnxPath };
}

describe('chainrule export, multiclass', () => {
  it('writes probabilities [N, 3] matching chainrule predict --json, chainrule.task and chainrule.classes', async () => {
    const { r, meta, ort, predicted } = await exported(MULTICLASS, 'level', 'probabilities');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('output probabilities [N, 3]');
    expect(r.stdout).toContain('none, senior, lead');
    expect(meta['chainrule.task']).toBe('multiclass');
    expect(JSON.parse(meta['chainrule.classes'])).toEqual(['none', 'senior', 'lead']);
    expect(predicted.code).toBe(0);
    const ours = (JSON.parse(predicted.stdout) as { predictions: { probabilities: Record<string, number> }[] }).predictions
      .flatMap((p) => ['none', 'senior', 'lead'].map((c) => p.probabilities[c]));
    expect(ort.dims).toEqual([4, 3]);
    expect(maxAbsDiff(ort.values, ours)).toBeLessThan(1e-6);
    // Row 2 by hand: softmax of the three logits.
    const [h1, h2] = hidden(ROWS[1]);
    const z = [-1.5 * h1 - 1.2 * h2 + 0.5, 0.4 * h1 + 0.3 * h2 + 0.2, 1.6 * h1 + 1.4 * h2 - 0.7];
    const e = z.map(Math.exp);
    const sum = e[0] + e[1] + e[2];
    e.forEach((v, k) => expect(ort.values[3 + k]).toBeCloseTo(v / sum, 6));
  });

  it('--json describes the output: probabilities [N, 3] and the classes', () => {
    const modelPath = join(dir, 'level-json.json');
    writeFileSync(modelPath, JSON.stringify(MULTICLASS));
    const r = run('export', '--model', modelPath, '--onnx', join(dir, 'level-json.onnx'), '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ task: 'multiclass', output: { name: 'probabilities', shape: ['N', 3] }, classes: ['none', 'senior', 'lead'] });
    expect(doc.threshold).toBeUndefined();
  });
});

describe('chainrule export, regression', () => {
  it('writes value [N, 1] in raw units matching chainrule predict --json, the scaling folded into the last Gemm', async () => {
    const { r, meta, ort, predicted } = await exported(REGRESSION, 'salary', 'value');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('output value [N, 1]');
    expect(meta['chainrule.task']).toBe('regression');
    const ours = (JSON.parse(predicted.stdout) as { predictions: { value: number }[] }).predictions.map((p) => p.value);
    expect(ort.dims).toEqual([4, 1]);
    // float32 carries ~7 digits of a salary: within 1e-5 of it on the network's scale (÷ std).
    expect(maxAbsDiff(ort.values, ours) / 20_000).toBeLessThan(1e-5);
    const [h1, h2] = hidden(ROWS[2]);
    expect(Math.abs(ort.values[2] - (80_000 + 20_000 * (0.9 * h1 + 0.7 * h2 + 0.05))) / 20_000).toBeLessThan(1e-5);
  });

  it('--json describes the output: value [N, 1]', () => {
    const modelPath = join(dir, 'salary-json.json');
    writeFileSync(modelPath, JSON.stringify(REGRESSION));
    const r = run('export', '--model', modelPath, '--onnx', join(dir, 'salary-json.onnx'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ task: 'regression', output: { name: 'value', shape: ['N', 1] }, target: REGRESSION.target });
  });
});
