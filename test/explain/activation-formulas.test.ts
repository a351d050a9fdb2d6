/**
 * Explain's activation factors come from the activation table: for leaky_relu and softplus the
 * printed formula, the meaning and the value at hand-picked pre-activations (values worked out
 * here: slope 1 or 0.01; σ(z) = 1/(1 + e^{−z})), and the chain's product against backprop.
 */
import { describe, expect, it } from 'vitest';
import { explainNetwork } from '../../src/explain/index.js';
import { layer } from './networks.js';

describe('activation factors for leaky_relu and softplus', () => {
  // x = [1, 1]: unit 0 has z = 0.5 + 0.25 + 0.5 = 1.25 > 0, unit 1 has z = −0.5 − 0.25 − 0.25 = −1.
  const hidden = (activation: 'leaky_relu' | 'softplus') => layer(activation, [[0.5, 0.25], [-0.5, -0.25]], [0.5, -0.25]);
  const out = layer('sigmoid', [[0.8, -0.6]], [0.1]);

  it('leaky_relu: "1 if z > 0 else 0.01", value 1 at z = 1.25 and 0.01 at z = −1', () => {
    const doc = explainNetwork({ loss: 'bce', layers: [hidden('leaky_relu'), out] }, [1, 1], 1);
    const terms = [0, 1].map((j) => doc.factors.find((f) => f.param === `b${j + 1}`)!.terms.find((t) => t.symbol.startsWith('∂a'))!);
    expect(terms.map((t) => t.value)).toEqual([1, 0.01]);
    for (const t of terms) expect(t.formula).toMatch(/^1 if z\S* > 0 else 0\.01$/);
    expect(terms[1].meaning).toMatch(/^slope of leaky_relu at z\S* \(−?1(\.0+)?\)$/);
    for (const f of doc.factors) expect(Math.abs(f.product - f.gradient)).toBeLessThan(1e-12 * Math.max(1, Math.abs(f.gradient)));
  });

  it('softplus: "σ(z)", value 1/(1 + e^{−z}) at z = 1.25 and z = −1', () => {
    const doc = explainNetwork({ loss: 'bce', layers: [hidden('softplus'), out] }, [1, 1], 0);
    const terms = [0, 1].map((j) => doc.factors.find((f) => f.param === `b${j + 1}`)!.terms.find((t) => t.symbol.startsWith('∂a'))!);
    expect(terms[0].value).toBeCloseTo(1 / (1 + Math.exp(-1.25)), 15);
    expect(terms[1].value).toBeCloseTo(1 / (1 + Math.exp(1)), 15);
    for (const t of terms) expect(t.formula).toMatch(/^σ\(z\S*\)$/);
    for (const f of doc.factors) {
      expect(Math.abs(f.product - f.gradient)).toBeLessThan(1e-12 * Math.max(1, Math.abs(f.gradient)));
      expect(Math.abs(f.product - f.finiteDifference)).toBeLessThan(1e-6 * Math.max(1, Math.abs(f.gradient)));
    }
  });
});
