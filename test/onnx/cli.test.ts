/**
 * `chainrule export` through the built CLI (npm test builds first): the file it writes runs in
 * ONNX Runtime with the probabilities `chainrule predict --json` prints for the same rows; bad
 * input exits 2 and an unwritable path exits 1, each with one line naming the file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { featuresFromMetadata, maxAbsDiff, runOnnx } from './ort.js';
import { decodeOnnx } from '../../src/model/onnx.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'chainrule-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A hand-written model file: standardised numeric inputs plus a categorical one.
const MODEL = {
  format: 'chainrule/model', version: 1,
  inputs: [
    { name: 'years_experience', kind: 'numeric', mean: 7.9, std: 5.1 },
    { name: 'performance_score', kind: 'numeric', mean: 70, std: 15 },
    { name: 'department', kind: 'categorical', categories: ['HR', 'Sales'] },
  ],
  target: { name: 'promoted', positive: '1' },
  layers: [
    { activation: 'tanh', weights: [[0.8, -0.4, 0.3, -0.2], [1.1, 0.9, -0.5, 0.6]], bias: [0.1, -0.3] },
    { activation: 'sigmoid', weights: [[1.7, -1.2]], bias: [0.05] },
  ],
  loss: 'bce', threshold: 0.5,
};

describe('chainrule export', () => {
  const modelPath = join(dir, 'model.json');
  writeFileSync(modelPath, JSON.stringify(MODEL));

  it('writes an ONNX file whose ONNX Runtime probabilities match chainrule predict --json', async () => {
    const onnxPath = join(dir, 'model.onnx');
    const r = run('export', '--model', modelPath, '--onnx', onnxPath);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*model\.onnx \(\d+ bytes, ONNX opset 13, 2 layers\)/);
    expect(r.stdout).toContain('features [N, 4] raw values: years_experience, performance_score, department=HR, department=Sales');

    const rows = [
      { years_experience: 0, performance_score: 40, department: 'HR' },
      { years_experience: 12.5, performance_score: 91, department: 'Sales' },
      { years_experience: 30, performance_score: 100, department: 'Legal' },
      { years_experience: 3, performance_score: 55, department: 'Sales' },
    ];
    const predicted = run('predict', '--model', modelPath, '--input', JSON.stringify(rows), '--json');
    expect(predicted.code).toBe(0);
    const ours = (JSON.parse(predicted.stdout) as { predictions: { probability: number }[] }).predictions.map((p) => p.probability);

    const bytes = new Uint8Array(readFileSync(onnxPath));
    const meta = Object.fromEntries((decodeOnnx(bytes).metadata_props as { key: string; value: string }[]).map((p) => [p.key, p.value]));
    const ort = await runOnnx(bytes, featuresFromMetadata(meta['chainrule.inputs'], rows), rows.length);
    expect(maxAbsDiff(ort.probability, ours)).toBeLessThan(1e-6);
    // Independent check of one row by hand: x = (−7.9/5.1, −30/15), HR one-hot.
    const h1 = Math.tanh(0.8 * (-7.9 / 5.1) - 0.4 * (-2) + 0.3 + 0.1);
    const h2 = Math.tanh(1.1 * (-7.9 / 5.1) + 0.9 * (-2) - 0.5 - 0.3);
    expect(ort.probability[0]).toBeCloseTo(1 / (1 + Math.exp(-(1.7 * h1 - 1.2 * h2 + 0.05))), 6);
  });

  it('--json describes the file: opset, input and output names and shapes, the column layout', () => {
    const onnxPath = join(dir, 'described.onnx');
    const r = run('export', '--model', modelPath, '--onnx', onnxPath, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      onnx: onnxPath, opset: 13, irVersion: 7,
      input: { name: 'features', shape: ['N', 4] }, output: { name: 'probability', shape: ['N', 1] },
      threshold: 0.5, target: { name: 'promoted', positive: '1' },
    });
    expect(doc.bytes).toBe(readFileSync(onnxPath).length);
    expect(doc.columns.map((c: { input: string; category?: string }) => c.category ?? c.input))
      .toEqual(['years_experience', 'performance_score', 'HR', 'Sales']);
  });

  it('exits 2 naming the model file when it does not exist', () => {
    const r = run('export', '--model', join(dir, 'nope.json'), '--onnx', join(dir, 'x.onnx'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^chainrule: .*nope\.json: no such model file\n$/);
  });

  it('exits 2 naming the field of a malformed model file', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...MODEL, layers: [{ ...MODEL.layers[0], bias: [0.1] }, MODEL.layers[1]] }));
    const r = run('export', '--model', bad, '--onnx', join(dir, 'x.onnx'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/layers\[0\]\.bias: expected 2 values/);
  });

  it('exits 2 when --onnx is missing', () => {
    const r = run('export', '--model', modelPath);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--onnx/);
  });

  it('exits 1 naming the output when it cannot be written', () => {
    const target = join(dir, 'no-such-dir', 'm.onnx');
    const r = run('export', '--model', modelPath, '--onnx', target);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`chainrule: ${target}: cannot write the ONNX file (ENOENT)\n`);
  });
});
