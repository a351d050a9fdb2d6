/** The terminal rendering formats the same records the JSON carries. */
import { describe, expect, it } from 'vitest';
import { explainNetwork } from '../../src/explain/index.js';
import { renderExplanation, table } from '../../src/explain/render.js';
import { layer } from './networks.js';

describe('renderExplanation', () => {
  const net = {
    loss: 'bce' as const,
    layers: [layer('relu', [[0.7, -0.3], [0.2, 0.9], [0.4, 0.4]], [0.1, 0.3, -0.2]), layer('tanh', [[1.4, -0.6, 0.3], [0.5, 0.5, -1]], [-0.2, 0.1]), layer('sigmoid', [[0.8, -1.1]], [0.3])],
  };
  const doc = explainNetwork(net, [1.2, 0.5], 1, { lr: 0.25 });
  const text = renderExplanation(doc);

  it('names parameters layer[l].w[j][i] and lists each term of a δ sum with its numbers', () => {
    expect(text).toMatch(/^∂L\/∂layer\[0\]\.w\[1\]\[0\]:  backprop /m);
    const sum = doc.factors.find((f) => f.param === 'layers[0].weights[1][0]')!.terms.find((t) => t.sum)!;
    expect(text).toContain(`where ∂L/∂a[0][1] = Σ of`);
    for (const t of sum.sum!) expect(text).toContain(t.symbol);
    expect(text).toMatch(/layer\[1\]\.w\[0\]\[1\]·δ\(z\[1\]\[0\]\) +−0\.6 · /);
  });

  it('shows the step with η and the loss before and after', () => {
    expect(text).toContain('θ ← θ − η·∂L/∂θ with η = 0.25');
    expect(text).toMatch(/loss on this sample: [0-9.]+ → [0-9.]+ after the full step/);
  });

  it('aligns columns by display width', () => {
    expect(table([['ŷ', '1'], ['abc', '2']], '')).toEqual(['ŷ    1', 'abc  2']);
  });
});
