/**
 * The example in examples/ runs as a user would run it (node, importing the package by name through
 * its exports map; npm test builds dist first), and what it prints is checked independently: the
 * predictions against the bundled data's documented rule, ∂L/∂w11 against the notes' closed form
 * computed here from the saved weights, and the exported ONNX file in ONNX Runtime.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnnx } from '../onnx/ort.js';

const EXAMPLE = new URL('../../examples/train-and-explain.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'chainrule-example-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Summary {
  accuracy: number;
  predictions: { probability: number; label: number }[];
  w11: { product: number; gradient: number; finiteDifference: number };
  maxAbsDiff: number;
  modelPath: string;
  onnxPath: string;
}

const EMPLOYEES = [
  { years_experience: 9, performance_score: 88 },
  { years_experience: 2, performance_score: 51 },
];
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('examples/train-and-explain.mjs', () => {
  let run: { status: number | null; stdout: string; stderr: string };
  let summary: Summary;
  beforeAll(() => {
    run = spawnSync(process.execPath, [EXAMPLE, dir], { encoding: 'utf8' });
    summary = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Summary;
  });

  it('runs to completion without writing to stderr', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/epoch 60: mean BCE loss \d\.\d{4}/);
  });

  it('learns the bundled data: training accuracy near its 91.5% Bayes rate, both employees decided by the rule', () => {
    expect(summary.accuracy).toBeGreaterThan(0.87);
    // data/README.md: promoted exactly when years ≥ 5 and score ≥ 70 (before label noise).
    expect(summary.predictions.map((p) => p.label)).toEqual([1, 0]);
  });

  it('prints ∂L/∂w11 equal to the notes\' closed form x1·w1·a1(1−a1)·(ŷ − y) from the saved weights', () => {
    const model = JSON.parse(readFileSync(summary.modelPath, 'utf8'));
    const [years, score] = model.inputs;
    const x1 = (EMPLOYEES[0].years_experience - years.mean) / years.std;
    const x2 = (EMPLOYEES[0].performance_score - score.mean) / score.std;
    const [hidden, out] = model.layers;
    const a = hidden.weights.map((w: number[], j: number) => sigmoid(w[0] * x1 + w[1] * x2 + hidden.bias[j]));
    const yhat = sigmoid(out.weights[0][0] * a[0] + out.weights[0][1] * a[1] + out.bias[0]);
    const expected = x1 * out.weights[0][0] * a[0] * (1 - a[0]) * (yhat - 1);
    expect(summary.w11.gradient).toBeCloseTo(expected, 12);
    expect(summary.w11.product).toBeCloseTo(expected, 12);
    expect(Math.abs(summary.w11.finiteDifference - expected)).toBeLessThan(1e-8);
    expect(summary.maxAbsDiff).toBeLessThan(1e-6);
    expect(summary.predictions[0].probability).toBeCloseTo(yhat, 12);
  });

  it('exports an ONNX file that ONNX Runtime scores like the example\'s predictions', async () => {
    const bytes = new Uint8Array(readFileSync(summary.onnxPath));
    const features = Float32Array.from(EMPLOYEES.flatMap((e) => [e.years_experience, e.performance_score]));
    const ort = await runOnnx(bytes, features, 2);
    expect(Math.abs(ort.probability[0] - summary.predictions[0].probability)).toBeLessThan(1e-5);
    expect(Math.abs(ort.probability[1] - summary.predictions[1].probability)).toBeLessThan(1e-5);
  });
});
