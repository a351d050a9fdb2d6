/** Explaining a prediction: ∂ŷ/∂x in raw units, category switches, and counterfactuals fed back to predict. */
import { describe, expect, it } from 'vitest';
import { explainModel } from '../../src/app/explain-model.js';
import type { NumericInputExplanation, CategoricalInputExplanation } from '../../src/explain/index.js';
import type { ModelFile } from '../../src/model/schema.js';
import { parseModel } from '../../src/model/schema.js';
import { modelToNetwork } from '../../src/model/convert.js';
import { encodeRecords, InputError } from '../../src/model/encoding.js';
import { predict } from '../../src/math/network.js';
import { createRng } from '../../src/math/rng.js';

/** ŷ for one raw record through the library's own path: encode with the model's encoders, predict. */
function yhatOf(model: ModelFile, record: Record<string, unknown>): number {
  const { X, n } = encodeRecords(model.inputs, [record]);
  return predict(modelToNetwork(model), X, n)[0];
}

const promotion: ModelFile = parseModel({
  format: 'chainrule/model', version: 1,
  inputs: [
    { name: 'years_experience', kind: 'numeric', mean: 7.9, std: 5.1, min: 0, max: 30 },
    { name: 'performance_score', kind: 'numeric', mean: 65, std: 12, min: 20, max: 100 },
    { name: 'department', kind: 'categorical', categories: ['Sales', 'HR', 'Engineering'] },
  ],
  target: { name: 'promoted', positive: '1' },
  layers: [
    { activation: 'sigmoid', weights: [[1.1, 0.6, 0.2, -0.3, 0.1], [0.4, 1.8, -0.1, 0.2, 0.5]], bias: [-0.2, 0.1] },
    { activation: 'sigmoid', weights: [[2.1, 3.2]], bias: [-3.1] },
  ],
  loss: 'bce', threshold: 0.5,
});

/** The notes' 2-2-1 promotion network on standardised inputs with observed ranges. */
const promotion221: ModelFile = parseModel({
  format: 'chainrule/model', version: 1,
  inputs: [
    { name: 'years_experience', kind: 'numeric', mean: 7.9, std: 5.1, min: 0, max: 30 },
    { name: 'performance_score', kind: 'numeric', mean: 65, std: 12, min: 20, max: 100 },
  ],
  target: { name: 'promoted', positive: '1' },
  layers: [
    { activation: 'sigmoid', weights: [[2.4, 0.3], [0.2, 2.9]], bias: [-1.1, -0.4] },
    { activation: 'sigmoid', weights: [[3.1, 3.6]], bias: [-2.5] },
  ],
  loss: 'bce', threshold: 0.5,
});

/** A deep model on raw inputs, weights from a seeded generator (seed 8: ŷ = 0.367 at the record, above 0.5 further out). */
function deepModel(): { model: ModelFile; record: Record<string, number> } {
  const rng = createRng(8);
  const widths = [3, 8, 8, 4, 1];
  const acts = ['tanh', 'relu', 'sigmoid', 'sigmoid'] as const;
  const layers = acts.map((activation, l) => ({
    activation,
    weights: Array.from({ length: widths[l + 1] }, () => Array.from({ length: widths[l] }, () => rng.normal() * 1.5)),
    bias: Array.from({ length: widths[l + 1] }, () => rng.normal() * 0.3),
  }));
  const model = parseModel({
    format: 'chainrule/model', version: 1,
    inputs: [{ name: 'a', kind: 'numeric' }, { name: 'b', kind: 'numeric' }, { name: 'c', kind: 'numeric', min: -5, max: 5 }],
    target: { name: 'accepted', positive: 'yes' },
    layers, loss: 'bce', threshold: 0.5,
  });
  return { model, record: { a: 0.3, b: -0.8, c: 1.2 } };
}

function numeric(doc: ReturnType<typeof explainModel>, name: string): NumericInputExplanation {
  return doc.inputs.find((i) => i.name === name) as NumericInputExplanation;
}

describe('explaining a prediction', () => {
  const record = { years_experience: 4, performance_score: 61, department: 'HR' };

  it('∂ŷ/∂x per raw unit matches a central difference of predict on the raw input', () => {
    const doc = explainModel(promotion, record, 0);
    for (const name of ['years_experience', 'performance_score'] as const) {
      const h = 1e-4;
      const fd = (yhatOf(promotion, { ...record, [name]: record[name] + h }) - yhatOf(promotion, { ...record, [name]: record[name] - h })) / (2 * h);
      const got = numeric(doc, name).dyhatDx;
      expect(Math.abs(got - fd)).toBeLessThan(1e-9);
      expect(numeric(doc, name).sentence).toMatch(new RegExp(`per unit of ${name} \\(at ${record[name]}\\)`));
    }
  });

  it('category switches report predict\'s ŷ for each other category', () => {
    const doc = explainModel(promotion, record, 0);
    const dept = doc.inputs.find((i) => i.name === 'department') as CategoricalInputExplanation;
    expect(dept.alternatives.map((a) => a.category)).toEqual(['Sales', 'Engineering']);
    for (const alt of dept.alternatives) {
      const p = yhatOf(promotion, { ...record, department: alt.category });
      expect(alt.prediction).toBe(p);
      expect(alt.change).toBeCloseTo(p - (doc.prediction as number), 15);
    }
  });

  it.each([
    ['2-2-1', promotion221, { years_experience: 4, performance_score: 61 }],
    ['5-2-1 with a categorical input', promotion, record],
  ] as const)('counterfactuals on the %s promotion model, fed back to predict, land within 1e-6 of the threshold', (_shape, model, record) => {
    const promotion = model as ModelFile;
    const doc = explainModel(promotion, record, 0);
    expect(doc.prediction).toBeLessThan(0.5);
    for (const name of ['years_experience', 'performance_score'] as const) {
      const cf = numeric(doc, name).counterfactual;
      expect(cf.found).toBe(true);
      const p = yhatOf(promotion, { ...record, [name]: cf.value });
      expect(Math.abs(p - 0.5)).toBeLessThan(1e-6);
      expect(cf.change).toBeCloseTo(cf.value! - record[name], 12);
      expect(cf.sentence).toMatch(new RegExp(`^promoted at ${name} = [0-9.]+ instead of ${record[name]} \\(\\+[0-9.]+\\)$`));
      // Smallest change: every value strictly between the record's and the counterfactual keeps the decision.
      for (let k = 1; k < 200; k++) {
        const x = record[name] + (cf.change! * k) / 200;
        expect(yhatOf(promotion, { ...record, [name]: x })).toBeLessThan(0.5);
      }
      expect(cf.range).toEqual(name === 'years_experience' ? [0, 30] : [20, 100]);
    }
  });

  it('counterfactuals on a deep model (3-8-8-4-1, tanh/relu/sigmoid) land within 1e-6 of the threshold', () => {
    const { model, record: r } = deepModel();
    const doc = explainModel(model, r, 1);
    expect(doc.prediction).toBeLessThan(0.5);
    let found = 0;
    for (const name of ['a', 'b', 'c'] as const) {
      const cf = numeric(doc, name).counterfactual;
      if (!cf.found) {
        expect(cf.sentence).toMatch(/^none in the observed range/);
        continue;
      }
      found++;
      expect(Math.abs(yhatOf(model, { ...r, [name]: cf.value }) - 0.5)).toBeLessThan(1e-6);
      expect(cf.label).toBe('accepted');
    }
    expect(found).toBe(3);
    // c carries min/max: its search stays in [−5, 5]; raw inputs without them search ±(|x|+1)·1e3.
    expect(numeric(doc, 'c').counterfactual.range).toEqual([-5, 5]);
    expect(numeric(doc, 'a').counterfactual.range).toEqual([0.3 - 1.3e3, 0.3 + 1.3e3]);
  });

  it('"none in the observed range" when no value of the input alone crosses the threshold', () => {
    const model = parseModel({
      format: 'chainrule/model', version: 1,
      inputs: [{ name: 'x', kind: 'numeric', min: 0, max: 10 }],
      target: { name: 'promoted', positive: '1' },
      layers: [{ activation: 'sigmoid', weights: [[0.001]], bias: [-3] }],
    });
    const cf = numeric(explainModel(model, { x: 5 }, 0), 'x').counterfactual;
    expect(cf.found).toBe(false);
    expect(cf.sentence).toBe('none in the observed range: no x in [0, 10] changes the decision on its own');
  });

  it('explainModel leaves the model file object untouched', () => {
    const before = JSON.stringify(promotion);
    explainModel(promotion, record, 1, { lr: 2 });
    explainModel(deepModel().model, { a: 1, b: 2, c: 3 }, 0);
    expect(JSON.stringify(promotion)).toBe(before);
  });

  it('bad input throws InputError naming the field', () => {
    const check = (fn: () => unknown, field: string, message: RegExp) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).field).toBe(field);
        expect((err as Error).message).toMatch(message);
        return;
      }
      throw new Error('expected an InputError');
    };
    check(() => explainModel(promotion, record, 1.5), 'target', /target must be a number in \[0, 1\], got 1.5/);
    check(() => explainModel(promotion, { years_experience: 3, department: 'HR' }, 1), 'performance_score', /missing input/);
    check(() => explainModel(promotion, { ...record, years_experience: 'ten' }, 1), 'years_experience', /expected a finite number, got "ten"/);
    check(() => explainModel(promotion, record, 1, { param: 'w9' }), 'param', /unknown parameter "w9"/);
    check(() => explainModel(promotion, record, 1, { lr: -1 }), 'lr', /lr must be a positive number, got -1/);
  });
});
