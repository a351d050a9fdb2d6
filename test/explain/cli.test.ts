/** `chainrule explain` through the built CLI, on a hand-written 2-2-1 model file (raw inputs, no training block). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, removeTempDirs, runCli, runCliAsync, tempDir } from '../cli/helpers.js';

const sigma = (t: number) => 1 / (1 + Math.exp(-t));
const W = { w11: 0.5, w21: -0.4, w12: 0.3, w22: 0.8, b1: 0.1, b2: -0.2, w1: 1.2, w2: -0.7, b3: 0.05 };
const MODEL = {
  format: 'chainrule/model', version: 1,
  inputs: [{ name: 'years_experience', kind: 'numeric' }, { name: 'performance_score', kind: 'numeric' }],
  target: { name: 'promoted', positive: '1' },
  layers: [
    { activation: 'sigmoid', weights: [[W.w11, W.w21], [W.w12, W.w22]], bias: [W.b1, W.b2] },
    { activation: 'sigmoid', weights: [[W.w1, W.w2]], bias: [W.b3] },
  ],
  loss: 'bce', threshold: 0.5,
};

let dir: string;
let model: string;
beforeAll(() => {
  assertBuilt();
  dir = tempDir();
  model = join(dir, 'net2.json');
  writeFileSync(model, JSON.stringify(MODEL));
});
afterAll(removeTempDirs);

describe('chainrule explain', () => {
  const input = { years_experience: 1.5, performance_score: 0.7 };

  it('--json: loss, prediction, gradients shaped like layers, factors in the notes\' names, check < 1e-6', () => {
    const r = runCli(['explain', '--model', model, '--input', JSON.stringify(input), '--target', '1', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    const a1 = sigma(W.w11 * 1.5 + W.w21 * 0.7 + W.b1);
    const a2 = sigma(W.w12 * 1.5 + W.w22 * 0.7 + W.b2);
    const yhat = sigma(W.w1 * a1 + W.w2 * a2 + W.b3);
    expect(doc.prediction).toBeCloseTo(yhat, 14);
    expect(doc.loss).toBeCloseTo(-Math.log(yhat), 14);
    expect(doc.gradients.layers.map((l: { weights: number[][]; bias: number[] }) => [l.weights.map((row) => row.length), l.bias.length]))
      .toEqual([[[2, 2], 2], [[2], 1]]);
    // ∂L/∂w21 = x2 · w1 · a1(1−a1) · (ŷ − y), at layers[0].weights[0][1].
    expect(doc.gradients.layers[0].weights[0][1]).toBeCloseTo(0.7 * W.w1 * a1 * (1 - a1) * (yhat - 1), 14);
    expect(doc.factors.map((f: { param: string }) => f.param)).toEqual(['w11', 'w21', 'w12', 'w22', 'b1', 'b2', 'w1', 'w2', 'b3']);
    for (const f of doc.factors) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['param', 'terms', 'product', 'gradient', 'finiteDifference']));
      for (const t of f.terms) expect(Object.keys(t)).toEqual(expect.arrayContaining(['symbol', 'meaning', 'formula', 'value']));
    }
    expect(doc.check.maxAbsDiff).toBeLessThan(1e-6);
    expect(doc.step.lossAfter).toBeLessThan(doc.step.lossBefore);
    expect(doc.inputs.map((i: { name: string }) => i.name)).toEqual(['years_experience', 'performance_score']);
  });

  it('--param w21 --lr 0.1 shows one parameter in the terminal rendering', () => {
    const inputFile = join(dir, 'input.json');
    writeFileSync(inputFile, JSON.stringify(input));
    const r = runCli(['explain', '--model', model, '--input', `@${inputFile}`, '--target', '0', '--param', 'w21', '--lr', '0.1'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^∂L\/∂w21:/m);
    expect(r.stdout).not.toMatch(/^∂L\/∂w11:/m);
    expect(r.stdout).toMatch(/∂z1\/∂w21 +x2 += 0\.7 /);
    expect(r.stdout).toMatch(/simplified +\(ŷ − y\) · w1 · a1\(1 − a1\) · x2/);
    expect(r.stdout).toMatch(/θ ← θ − η·∂L\/∂θ with η = 0\.1/);
  });

  const bad: [string, string[], RegExp][] = [
    ['bad JSON', ['--input', '{years_experience: 1'], /^chainrule: --input must be a JSON object/],
    ['a missing input', ['--input', '{"years_experience": 1}'], /^chainrule: --input: performance_score: missing input/],
    ['a non-numeric input', ['--input', '{"years_experience": "x", "performance_score": 1}'], /years_experience: expected a finite number, got "x"/],
    ['a target outside [0, 1]', ['--input', '{"years_experience": 1, "performance_score": 1}', '--target', '2'], /--target must be a number in \[0, 1\], got 2/],
    ['an unknown --param', ['--input', '{"years_experience": 1, "performance_score": 1}', '--param', 'w9'], /^chainrule: --param: unknown parameter "w9"; expected one of w11, w21/],
    ['a bad --lr', ['--input', '{"years_experience": 1, "performance_score": 1}', '--lr', '-1'], /--lr must be a positive number, got -1/],
  ];
  for (const [what, args, message] of bad) {
    // Concurrent: each spawns a CLI process, and they are independent.
    it.concurrent(`exits 2 with one stderr line on ${what}`, async () => {
      const withTarget = args.includes('--target') ? args : [...args, '--target', '1'];
      const r = await runCliAsync(['explain', '--model', model, ...withTarget], dir);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }
});
