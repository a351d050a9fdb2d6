/**
 * A large model's explain document is bounded (explain/large.ts): at most 1 MiB of JSON, the output
 * layer's factors and the largest |gradient|'s, each one exactly the factor the full document
 * gives (compared with explainEveryParameter on a model just over the 5,000-parameter line), and
 * `param` gives any one parameter's factor; a model at or under the line keeps the full document.
 */
import { describe, expect, it } from 'vitest';
import { explainModel } from '../../src/app/explain-model.js';
import { modelToNetwork } from '../../src/model/convert.js';
import { explainEveryParameter, explainNetwork } from '../../src/explain/explain.js';
import { backpropGradients } from '../../src/explain/check.js';
import { fitBounded } from '../../src/explain/large.js';
import { estimatedFullBytes } from '../../src/explain/size.js';
import { InputError } from '../../src/errors.js';
import type { ParamFactors } from '../../src/explain/types.js';
import { chainModel, jsonBytes, wideModel, wideRecord } from './large-models.js';

const MiB = 1024 * 1024;

function encoded(inputs: number): number[] {
  return Object.values(wideRecord(inputs));
}

/** Every parameter's |gradient| outside the output layer, from the backward pass, largest first. */
function hiddenGradients(model: ReturnType<typeof wideModel>, x: number[]): number[] {
  const net = modelToNetwork(model);
  const grads = backpropGradients(net, x, 1);
  return net.layers.slice(0, -1).flatMap((_, l) => [...grads.weights[l], ...grads.bias[l]].map(Math.abs)).sort((a, b) => b - a);
}

describe('a 128,128 model on 20 inputs (19,585 parameters)', () => {
  const model = wideModel(20, [128, 128]);
  const record = wideRecord(20);
  const doc = explainModel(model, record, 1);

  it('answers a bounded document of at most 1 MiB that says what it left out', () => {
    const parameters = 20 * 128 + 128 + 128 * 128 + 128 + 128 + 1;
    expect(doc.truncated).toBe(true);
    expect(jsonBytes(doc)).toBeLessThanOrEqual(MiB);
    expect(doc.truncation).toMatchObject({ parameters, factorsShown: doc.factors.length, factorsLeftOut: parameters - doc.factors.length, maxBytes: MiB });
    expect(doc.truncation!.note).toMatch(/--param/);
    expect(doc.check.parameters).toBe(doc.factors.length);
    expect(doc.step.parameters.map((p) => p.param)).toEqual(doc.factors.map((f) => f.param));
    expect(doc).not.toHaveProperty('parameters');
  });

  it('lists every output-layer factor, each the backward pass\'s gradient as a product of its factors', () => {
    const net = modelToNetwork(model);
    const grads = backpropGradients(net, encoded(20), 1);
    const output = doc.factors.filter((f) => f.layer === 2);
    expect(output.map((f) => f.param)).toEqual([...Array.from({ length: 128 }, (_, i) => `layers[2].weights[0][${i}]`), 'layers[2].bias[0]']);
    output.forEach((f, k) => {
      expect(f.gradient, f.param).toBe(k < 128 ? grads.weights[2][k] : grads.bias[2][0]);
      expect(Math.abs(f.product - f.gradient), f.param).toBeLessThan(1e-12);
      expect(Math.abs(f.finiteDifference - f.gradient), f.param).toBeLessThan(1e-7);
    });
    // The gradients stay shaped like the model's layers.
    expect(doc.gradients!.layers[1].weights[5][7]).toBe(grads.weights[1][5 * 128 + 7]);
  });

  it('lists the others among the 100 largest |gradient|, and a param request gives the same factor', () => {
    const hundredth = hiddenGradients(model, encoded(20))[99];
    const others = doc.factors.filter((f) => f.layer < 2);
    expect(others.length).toBeGreaterThan(0);
    for (const f of others) expect(Math.abs(f.gradient), f.param).toBeGreaterThanOrEqual(hundredth);
    for (const f of [others[0], doc.factors.find((g) => g.param === 'layers[2].bias[0]')!]) {
      const one = explainNetwork(modelToNetwork(model), encoded(20), 1, { param: f.param });
      expect(one.factors).toEqual([f]);
    }
  });

  it('fits what a face adds (attributions) within 1 MiB, dropping the smallest |gradient| first', () => {
    const values = Array.from({ length: 6000 }, (_, i) => ({ input: `an input named at some length ${i}`, value: i / 7 }));
    const fitted = fitBounded({ ...doc, attributions: { values } });
    expect(jsonBytes(fitted)).toBeLessThanOrEqual(MiB);
    expect(fitted.factors.length).toBeLessThan(doc.factors.length);
    expect(fitted.factors.filter((f) => f.layer === 2)).toHaveLength(129);
    expect(fitted.truncation).toMatchObject({ factorsShown: fitted.factors.length, factorsLeftOut: fitted.truncation!.parameters - fitted.factors.length });
    expect(fitted.step.parameters).toHaveLength(fitted.factors.length);
    const kept = Math.min(...fitted.factors.filter((f) => f.layer < 2).map((f) => Math.abs(f.gradient)));
    const dropped = doc.factors.filter((f) => !fitted.factors.some((g) => g.param === f.param));
    for (const f of dropped) expect(Math.abs(f.gradient)).toBeLessThanOrEqual(kept);
  });
});

describe('a 64,64 model on 20 inputs (5,569 parameters: just over the line)', () => {
  const model = wideModel(20, [64, 64], 11);
  const record = wideRecord(20);
  const doc = explainModel(model, record, 1, { lr: 0.3 });
  const full = explainEveryParameter(modelToNetwork(model), encoded(20), 1, { lr: 0.3 });
  const fullFactor = new Map<string, ParamFactors>(full.factors.map((f) => [f.param, f]));

  it('lists factors that are exactly the full document\'s, with the same gradients and step', () => {
    expect(doc.truncated).toBe(true);
    expect(doc.factors.length).toBeGreaterThan(65);
    for (const f of doc.factors) expect(f, f.param).toEqual(fullFactor.get(f.param));
    expect(doc.gradients).toEqual(full.gradients);
    expect(doc.loss).toBe(full.loss);
    expect(doc.step.lossAfter).toBe(full.step.lossAfter);
    const steps = new Map(full.step.parameters.map((p) => [p.param, p]));
    for (const p of doc.step.parameters) expect(p).toEqual(steps.get(p.param));
    expect(doc.check.maxAbsDiff).toBeLessThanOrEqual(full.check.maxAbsDiff);
  });

  it('gives exactly the full document\'s factor for a named parameter, by its JSON name or its terminal label', () => {
    for (const [name, param] of [['layers[0].weights[17][3]', 'layers[0].weights[17][3]'], ['layer[1].b[40]', 'layers[1].bias[40]']]) {
      const one = explainModel(model, record, 1, { lr: 0.3, param: name });
      expect(one.factors).toEqual([fullFactor.get(param)]);
      expect(one).not.toHaveProperty('truncated');
      expect(one.check.parameters).toBe(1);
      expect(jsonBytes(one)).toBeLessThan(MiB);
    }
  });

  it('refuses an unknown parameter naming the ranges, not every name', () => {
    for (const name of ['layers[0].weights[64][0]', 'layers[3].bias[0]', 'layers[0].bias[01]', 'w11']) {
      let err: unknown;
      try { explainModel(model, record, 1, { param: name }); } catch (e) { err = e; }
      expect(err, name).toBeInstanceOf(InputError);
      expect((err as InputError).field).toBe('param');
      expect((err as InputError).message).toContain(`unknown parameter ${JSON.stringify(name)}; expected one of layers[0].weights[0..63][0..19], layers[0].bias[0..63]`);
      expect((err as InputError).message.length).toBeLessThan(400);
    }
  });
});

describe('the 5,000-parameter line', () => {
  it('keeps the full document at 4,901 parameters and bounds it at 5,001', () => {
    const under = modelToNetwork(wideModel(47, [100]));
    const x = encoded(47);
    const doc = explainNetwork(under, x, 1);
    expect(doc).toEqual(explainEveryParameter(under, x, 1));
    expect(doc.factors).toHaveLength(4901);
    expect(doc).not.toHaveProperty('truncated');
    const over = explainNetwork(modelToNetwork(wideModel(48, [100])), encoded(48), 1);
    expect(over.truncated).toBe(true);
    expect(over.truncation!.parameters).toBe(5001);
  });
});

describe('a chain of 300 layers of width 1 (600 parameters)', () => {
  it('is bounded by its full document\'s size, which grows with depth squared', () => {
    const model = chainModel(300);
    expect(estimatedFullBytes(modelToNetwork(model))).toBeGreaterThan(16 * MiB);
    const doc = explainModel(model, { x: 1 }, 1);
    expect(doc.truncated).toBe(true);
    expect(jsonBytes(doc)).toBeLessThanOrEqual(MiB);
    expect(doc.factors.map((f) => f.param)).toEqual(expect.arrayContaining(['layers[299].weights[0][0]', 'layers[299].bias[0]']));
    for (const f of doc.factors) expect(Math.abs(f.product - f.gradient), f.param).toBeLessThan(1e-12);
  });
});

describe('a 256,256 model on 2 inputs (66,817 parameters)', () => {
  it('leaves out gradients (over its 512 KiB share), says so, and lists the first 200 output-layer factors', () => {
    const model = wideModel(2, [256, 256], 5);
    const doc = explainModel(model, wideRecord(2), 0);
    expect(jsonBytes(doc)).toBeLessThanOrEqual(MiB);
    expect(doc).not.toHaveProperty('gradients');
    expect(doc.truncation).toMatchObject({ parameters: 66817, gradients: 'left out', outputLayerFactors: 200 });
    expect(doc.truncation!.note).toContain('`gradients` is left out');
    expect(doc.factors.filter((f) => f.layer === 2).map((f) => f.param)).toEqual(Array.from({ length: 200 }, (_, i) => `layers[2].weights[0][${i}]`));
  });
});
