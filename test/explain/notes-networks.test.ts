/**
 * Net 1 and Net 2 at fixed points: the explain factors are the notes' factors, with the closed
 * forms written out here by hand from the notes (corrected where the README lists a slip).
 */
import { describe, expect, it } from 'vitest';
import { explainNetwork } from '../../src/explain/index.js';
import { close, net1, net2, type Net2Params } from './networks.js';

const sigma = (t: number) => 1 / (1 + Math.exp(-t));

function values(doc: ReturnType<typeof explainNetwork>, param: string): number[] {
  return doc.factors.find((f) => f.param === param)!.terms.map((t) => t.value);
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, k) => {
    if (!close(a, expected[k], 1e-12)) throw new Error(`factor ${k}: ${a} vs hand-computed ${expected[k]}`);
  });
}

describe('Net 1 (note 000): factors (1)–(7)', () => {
  const points = [
    { x: 0.9, y: 0, w1: 0.8, b1: -0.3, w2: 1.3, b2: 0.4 },
    { x: -1.7, y: 1, w1: 0.35, b1: 0.6, w2: -2.1, b2: -0.25 },
    { x: 2.4, y: 0.3, w1: -0.9, b1: 1.1, w2: 0.7, b2: 0.9 },
  ];
  for (const p of points) {
    it(`at x=${p.x}, y=${p.y}, w1=${p.w1}, b1=${p.b1}, w2=${p.w2}, b2=${p.b2}`, () => {
      const z = p.x * p.w1 + p.b1;
      const zp = z * p.w2 + p.b2;
      const yhat = sigma(zp);
      const f1 = -(p.y / yhat - (1 - p.y) / (1 - yhat));
      const f2 = Math.exp(-zp) / (1 + Math.exp(-zp)) ** 2;
      const f3 = p.w2;
      const f4 = p.x;
      const f5 = 1;
      const f6 = z;
      const f7 = 1;
      const doc = explainNetwork(net1(p.w1, p.b1, p.w2, p.b2), [p.x], p.y);
      expect(doc.factors.map((f) => f.param)).toEqual(['w1', 'b1', 'w2', 'b2']);
      expectClose(values(doc, 'w1'), [f1, f2, f3, f4]);
      expectClose(values(doc, 'b1'), [f1, f2, f3, f5]);
      expectClose(values(doc, 'w2'), [f1, f2, f6]);
      expectClose(values(doc, 'b2'), [f1, f2, f7]);
      const notes = (param: string) => doc.factors.find((f) => f.param === param)!.terms.map((t) => t.note);
      expect(notes('w1')).toEqual(['(1)', '(2)', '(3)', '(4)']);
      expect(notes('b1')).toEqual(['(1)', '(2)', '(3)', '(5)']);
      expect(notes('w2')).toEqual(['(1)', '(2)', '(6)']);
      expect(notes('b2')).toEqual(['(1)', '(2)', '(7)']);
      expect(doc.factors.find((f) => f.param === 'w1')!.terms.map((t) => t.symbol)).toEqual(['∂L/∂ŷ', "∂ŷ/∂z'", "∂z'/∂z", '∂z/∂w1']);
      // The simplification (ŷ − y)·a, and the gradient itself.
      expect(close(doc.factors.find((f) => f.param === 'w2')!.simplified!.product, (yhat - p.y) * z, 1e-12)).toBe(true);
      expect(close(doc.factors.find((f) => f.param === 'w1')!.gradient, (yhat - p.y) * p.w2 * p.x, 1e-12)).toBe(true);
    });
  }

  it('the README example: ∂L/∂w1 = 0.842763 (the note\'s slipped formula would give 1.001004)', () => {
    const doc = explainNetwork(net1(0.8, -0.3, 1.3, 0.4), [0.9], 0);
    const w1 = doc.factors.find((f) => f.param === 'w1')!;
    expect(w1.product.toFixed(6)).toBe('0.842763');
    expect(w1.finiteDifference.toFixed(6)).toBe('0.842763');
  });
});

describe('Net 2 (note 004): the promotion network\'s factors', () => {
  const p: Net2Params = { w11: 0.5, w21: -0.4, w12: 0.3, w22: 0.8, b1: 0.1, b2: -0.2, w1: 1.2, w2: -0.7, b3: 0.05 };
  for (const [x1, x2, y] of [[1.5, 0.7, 1], [-0.8, 2.2, 0], [3.1, -1.4, 1]]) {
    it(`at x1=${x1}, x2=${x2}, y=${y}`, () => {
      const z1 = p.w11 * x1 + p.w21 * x2 + p.b1;
      const z2 = p.w12 * x1 + p.w22 * x2 + p.b2;
      const a1 = sigma(z1);
      const a2 = sigma(z2);
      const zf = p.w1 * a1 + p.w2 * a2 + p.b3;
      const yhat = sigma(zf);
      const dL_dyhat = -(y / yhat - (1 - y) / (1 - yhat));
      const dyhat_dzf = yhat * (1 - yhat);
      const doc = explainNetwork(net2(p), [x1, x2], y);
      expect(doc.factors.map((f) => f.param)).toEqual(['w11', 'w21', 'w12', 'w22', 'b1', 'b2', 'w1', 'w2', 'b3']);
      expectClose(values(doc, 'w11'), [dL_dyhat, dyhat_dzf, p.w1, a1 * (1 - a1), x1]);
      expectClose(values(doc, 'w21'), [dL_dyhat, dyhat_dzf, p.w1, a1 * (1 - a1), x2]);
      expectClose(values(doc, 'w12'), [dL_dyhat, dyhat_dzf, p.w2, a2 * (1 - a2), x1]);
      expectClose(values(doc, 'w22'), [dL_dyhat, dyhat_dzf, p.w2, a2 * (1 - a2), x2]);
      expectClose(values(doc, 'b1'), [dL_dyhat, dyhat_dzf, p.w1, a1 * (1 - a1), 1]);
      expectClose(values(doc, 'b2'), [dL_dyhat, dyhat_dzf, p.w2, a2 * (1 - a2), 1]);
      expectClose(values(doc, 'w1'), [dL_dyhat, dyhat_dzf, a1]);
      expectClose(values(doc, 'w2'), [dL_dyhat, dyhat_dzf, a2]);
      expectClose(values(doc, 'b3'), [dL_dyhat, dyhat_dzf, 1]);
      // README slip 3, corrected: ∂J/∂w_i1 = x_i · w1 · a1(1−a1) · (ŷ − y).
      const w21 = doc.factors.find((f) => f.param === 'w21')!;
      expect(close(w21.gradient, x2 * p.w1 * a1 * (1 - a1) * (yhat - y), 1e-12)).toBe(true);
      expect(w21.simplified!.formula).toBe('(ŷ − y) · w1 · a1(1 − a1) · x2');
      expect(w21.terms.map((t) => t.symbol)).toEqual(['∂L/∂ŷ', '∂ŷ/∂z_f', '∂z_f/∂a1', '∂a1/∂z1', '∂z1/∂w21']);
      expect(close(doc.factors.find((f) => f.param === 'b3')!.gradient, yhat - y, 1e-12)).toBe(true);
    });
  }
});
