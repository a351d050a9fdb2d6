/**
 * POST /explain: the document of `chainrule explain --json`, with gradients checked here against
 * the notes' Net 2 formulas written out by hand, and every client mistake a 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../../src/model/file.js';
import { FIXTURE, request, start, type Running } from './helpers.js';

const NET2 = fileURLToPath(new URL('./fixtures/net2-notes.json', import.meta.url));
const CLI = join(process.cwd(), 'dist', 'cli', 'main.js');
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Net 2 of note 004 with its own biases (the notes' slip 5 corrected): every gradient by hand. */
function net2Gradients(x1: number, x2: number, y: number) {
  const [w11, w21, w12, w22, b1, b2, w1, w2, b3] = [0.5, -0.4, 0.3, 0.8, 0.1, -0.2, 1.2, -0.7, 0.05];
  const a1 = sigmoid(w11 * x1 + w21 * x2 + b1);
  const a2 = sigmoid(w12 * x1 + w22 * x2 + b2);
  const yhat = sigmoid(w1 * a1 + w2 * a2 + b3);
  const e = yhat - y; // ∂J/∂z_f for sigmoid + BCE
  return {
    yhat,
    loss: -(y * Math.log(yhat) + (1 - y) * Math.log(1 - yhat)),
    grads: {
      w11: x1 * w1 * a1 * (1 - a1) * e, w21: x2 * w1 * a1 * (1 - a1) * e,
      w12: x1 * w2 * a2 * (1 - a2) * e, w22: x2 * w2 * a2 * (1 - a2) * e,
      b1: w1 * a1 * (1 - a1) * e, b2: w2 * a2 * (1 - a2) * e,
      w1: a1 * e, w2: a2 * e, b3: e,
    } as Record<string, number>,
  };
}

let net2: Running;
let promo: Running;
beforeAll(async () => {
  net2 = await start({ model: loadModel(NET2), modelPath: NET2 });
  promo = await start();
});
afterAll(async () => {
  await net2.app.close();
  await promo.app.close();
});

describe('POST /explain', () => {
  it('gives the loss, prediction and every gradient of the notes network, by the notes names', async () => {
    const res = await request(`${net2.url}/explain`, 'POST', { input: { x1: 2, x2: 3 }, target: 1 });
    expect(res.status).toBe(200);
    const hand = net2Gradients(2, 3, 1);
    expect(res.body.prediction).toBeCloseTo(hand.yhat, 12);
    expect(res.body.loss).toBeCloseTo(hand.loss, 12);
    const byName = Object.fromEntries(res.body.factors.map((f: { param: string; gradient: number }) => [f.param, f]));
    expect(Object.keys(byName).sort()).toEqual(Object.keys(hand.grads).sort());
    for (const [name, g] of Object.entries(hand.grads)) {
      expect(byName[name].gradient, name).toBeCloseTo(g, 12);
      expect(byName[name].product, name).toBeCloseTo(g, 12);
      expect(Math.abs(byName[name].finiteDifference - g), name).toBeLessThan(1e-7);
    }
    // gradients is shaped like the model's layers: layers[0].weights[j][i] is w_(i+1)(j+1).
    expect(res.body.gradients.layers[0].weights[1][0]).toBeCloseTo(hand.grads.w12, 12);
    expect(res.body.check.maxAbsDiff).toBeLessThan(1e-7);
  });

  it('lists the labelled factors of one parameter', async () => {
    const res = await request(`${net2.url}/explain`, 'POST', { input: { x1: 2, x2: 3 }, target: 0, param: 'w21' });
    expect(res.status).toBe(200);
    expect(res.body.factors).toHaveLength(1);
    const f = res.body.factors[0];
    expect(f.terms.map((t: { symbol: string }) => t.symbol)).toEqual(['∂L/∂ŷ', '∂ŷ/∂z_f', '∂z_f/∂a1', '∂a1/∂z1', '∂z1/∂w21']);
    for (const t of f.terms) expect(Object.keys(t)).toEqual(expect.arrayContaining(['symbol', 'meaning', 'formula', 'value']));
    expect(f.terms[4].value).toBe(3);
    expect(f.gradient).toBeCloseTo(net2Gradients(2, 3, 0).grads.w21, 12);
  });

  it('equals chainrule explain --json on the same input', async () => {
    const input = { years_experience: 6.5, performance_score: '82', department: 'Sales' };
    const cli = spawnSync(process.execPath, [CLI, 'explain', '--model', FIXTURE, '--input', JSON.stringify(input), '--target', '1', '--lr', '0.1', '--json'], { encoding: 'utf8', timeout: 20_000 });
    expect(cli.status, cli.stderr).toBe(0);
    const res = await request(`${promo.url}/explain`, 'POST', { input, target: 1, lr: 0.1 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(cli.stdout));
  });

  const good = { input: { x1: 2, x2: 3 }, target: 1 };
  const cases: [string, unknown, string, RegExp][] = [
    ['missing input', { target: 1 }, 'input', /^input: /],
    ['input not an object', { input: [1, 2], target: 1 }, 'input', /^input: /],
    ['missing column', { input: { x1: 2 }, target: 1 }, 'x2', /x2: missing input/],
    ['unknown column', { input: { x1: 2, x2: 3, x3: 4 }, target: 1 }, 'x3', /unknown column "x3"/],
    ['non-numeric value', { input: { x1: 'two', x2: 3 }, target: 1 }, 'x1', /expected a finite number, got "two"/],
    ['wrong value type', { input: { x1: [2], x2: 3 }, target: 1 }, 'x1', /x1: expected a number, a string or null, got \[2\]/],
    ['missing target', { input: { x1: 2, x2: 3 } }, 'target', /^target: /],
    ['target out of range', { ...good, target: 2 }, 'target', /^target: .*got 2/],
    ['target a string', { ...good, target: '1' }, 'target', /^target: .*got "1"/],
    ['negative lr', { ...good, lr: -1 }, 'lr', /^lr: .*got -1/],
    ['unknown param', { ...good, param: 'w99' }, 'param', /unknown parameter "w99"; expected one of w11, w21/],
    ['body not an object', 'null', 'input', /must be a JSON object/],
  ];
  for (const [name, body, field, message] of cases) {
    it(`${name} → 400, field ${field}`, async () => {
      const res = await request(`${net2.url}/explain`, 'POST', body);
      expect(res.status).toBe(400);
      expect(res.body.field).toBe(field);
      expect(res.body.error).toMatch(message);
    });
  }
});
