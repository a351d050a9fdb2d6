import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { explainNetwork } from '../../src/explain/index.js';
import { traceSample } from '../../src/explain/trace.js';
import { lossAt } from '../../src/explain/check.js';
import { cloneNetwork } from '../../src/math/network.js';
import { arbNetworkCase, close, FC_SEED, layer, snapshot } from './networks.js';

/** Relu units within 1e-3 of their kink make finite differences meaningless there. */
function nearReluKink(c: { net: import('../../src/math/network.js').Network; x: number[]; y: number }): boolean {
  const t = traceSample(c.net, c.x, c.y);
  return c.net.layers.some((l, li) => (l.activation === 'relu' || l.activation === 'leaky_relu') && t.z[li].some((z) => Math.abs(z) < 1e-3));
}

describe('chain-rule factors on random networks (depth 1–4, widths 1–8, all activations, bce and mse)', () => {
  it('product of each parameter\'s factors = backprop to 1e-12 and = finite difference to 1e-6 (fast-check seed 20261123, 150 runs)', () => {
    fc.assert(fc.property(arbNetworkCase, (c) => {
      fc.pre(!nearReluKink(c));
      const doc = explainNetwork(c.net, c.x, c.y);
      const count = c.net.layers.reduce((s, l) => s + l.weights.length + l.bias.length, 0);
      expect(doc.factors).toHaveLength(count);
      for (const f of doc.factors) {
        const product = f.terms.reduce((p, t) => p * t.value, 1);
        expect(f.productForm).toBe('factored');
        expect(product).toBe(f.product);
        if (!close(product, f.gradient, 1e-12)) throw new Error(`${f.param}: product ${product} vs backprop ${f.gradient}`);
        if (!close(product, f.finiteDifference, 1e-6)) throw new Error(`${f.param}: product ${product} vs finite difference ${f.finiteDifference}`);
        if (f.simplified && !close(f.simplified.product, f.gradient, 1e-12)) throw new Error(`${f.param}: simplified ${f.simplified.product} vs ${f.gradient}`);
      }
    }), { seed: FC_SEED, numRuns: 150, endOnFailure: true });
  });

  it('explaining never changes the model (parameters bit-identical before and after, 100 runs)', () => {
    fc.assert(fc.property(arbNetworkCase, fc.double({ min: 0.01, max: 2, noNaN: true }), (c, lr) => {
      const before = snapshot(c.net);
      explainNetwork(c.net, c.x, c.y, { lr });
      expect(snapshot(c.net)).toEqual(before);
    }), { seed: FC_SEED + 1, numRuns: 100 });
  });

  it('a δ-recursion factor lists every term wₖⱼ·δₖ and its value is their sum', () => {
    const net = {
      loss: 'mse' as const,
      layers: [
        layer('tanh', [[0.3, -0.7], [1.1, 0.4], [-0.5, 0.9]], [0.1, -0.2, 0.3]),
        layer('sigmoid', [[0.8, -1.2, 0.5], [0.6, 0.2, -0.9]], [0.05, -0.1]),
        layer('linear', [[1.5, -0.4]], [0.2]),
      ],
    };
    const doc = explainNetwork(net, [0.6, -1.3], 0.25);
    const f = doc.factors.find((p) => p.param === 'layers[0].weights[1][0]')!;
    expect(f.label).toBe('layer[0].w[1][0]');
    const sumFactor = f.terms.find((t) => t.sum)!;
    expect(sumFactor.symbol).toBe('∂L/∂a[0][1]');
    expect(sumFactor.sum).toHaveLength(2);
    const total = sumFactor.sum!.reduce((s, t) => s + t.value, 0);
    expect(close(total, sumFactor.value, 1e-14)).toBe(true);
    sumFactor.sum!.forEach((t, k) => expect(t.weight).toBe(net.layers[1].weights[k * 3 + 1]));
    // MSE output, linear: ∂L/∂ŷ = 2(ŷ − y) and no activation factor.
    const out = doc.factors.find((p) => p.param === 'layers[2].bias[0]')!;
    expect(out.terms.map((t) => t.symbol)).toEqual(['∂L/∂ŷ', '∂z_out/∂layer[2].b[0]']);
    expect(out.terms[0].value).toBeCloseTo(2 * (doc.prediction - 0.25), 14);
  });

  it('|z| = 1000 at the output: the factored product is 0·∞, the simplified (ŷ − y)·a is used and equals backprop', () => {
    for (const [z, y] of [[1000, 0], [1000, 1], [-1000, 0], [-1000, 1], [800, 0.3]]) {
      const net = { loss: 'bce' as const, layers: [layer('sigmoid', [[0.5, 0.25]], [z])] };
      const doc = explainNetwork(net, [0.4, -2], y);
      expect(Number.isFinite(doc.loss)).toBe(true);
      for (const f of doc.factors) {
        expect(Number.isFinite(f.product)).toBe(true);
        expect(close(f.product, f.gradient, 1e-12)).toBe(true);
        const factored = f.terms.reduce((p, t) => p * t.value, 1);
        expect(f.productForm).toBe(Number.isFinite(factored) ? 'factored' : 'simplified');
      }
      // σ(±1000) and σ(−800) round to exactly 0 or 1: factor (1) is ±∞ or 0/0 for every parameter.
      expect(doc.factors.every((f) => f.productForm === 'simplified')).toBe(true);
    }
  });

  it('one gradient-descent step: new = old − η·gradient on every parameter, and the loss after is the loss of that network', () => {
    const net = { loss: 'bce' as const, layers: [layer('relu', [[0.7, -0.3], [0.2, 0.9]], [0.1, 0.3]), layer('sigmoid', [[1.4, -0.6]], [-0.2])] };
    const x = [1.2, 0.5];
    const doc = explainNetwork(net, x, 1, { lr: 0.3 });
    const stepped = cloneNetwork(net);
    const flat = stepped.layers.flatMap((l) => [...Array.from({ length: l.weights.length }, (_, k) => ({ buf: l.weights, k })), ...Array.from({ length: l.bias.length }, (_, k) => ({ buf: l.bias, k }))]);
    // File order per layer: weights row by row, then biases.
    doc.step.parameters.forEach((p, n) => {
      expect(p.new).toBe(p.old - 0.3 * p.gradient);
      flat[n].buf[flat[n].k] = p.new;
    });
    expect(doc.step.lossBefore).toBe(lossAt(net, x, 1));
    expect(doc.step.lossAfter).toBe(lossAt(stepped, x, 1));
    expect(doc.step.lossAfter).toBeLessThan(doc.step.lossBefore);
  });

  it('--param filters to one parameter by JSON name or terminal label, and rejects an unknown name listing the known ones', () => {
    const net = { loss: 'bce' as const, layers: [layer('tanh', [[0.7], [0.2], [0.1]], [0.1, 0.3, -0.2]), layer('sigmoid', [[1.4, -0.6, 0.3]], [-0.2])] };
    expect(explainNetwork(net, [1], 0, { param: 'layers[1].weights[0][2]' }).factors.map((f) => f.param)).toEqual(['layers[1].weights[0][2]']);
    expect(explainNetwork(net, [1], 0, { param: 'layer[0].b[1]' }).factors.map((f) => f.param)).toEqual(['layers[0].bias[1]']);
    expect(() => explainNetwork(net, [1], 0, { param: 'w9' })).toThrow(/unknown parameter "w9"; expected one of layers\[0\]\.weights\[0\]\[0\]/);
  });
});
