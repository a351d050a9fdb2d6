/**
 * Monotone sign constraints: after projection, ŷ moves with each constrained input in its
 * direction at every point (checked by finite steps of the input, not by the constraint code),
 * and the projection is the nearest feasible point (idempotent, touches only violating weights).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import { createNetwork } from '../../src/math/init.js';
import { predict } from '../../src/math/network.js';
import type { ActivationName } from '../../src/math/activations.js';
import type { Direction } from '../../src/train/constraints.js';
import { monotoneSigns, project } from '../../src/train/constraints.js';

const ACTS: ActivationName[] = ['sigmoid', 'tanh', 'relu', 'linear'];

describe('monotone sign constraints', () => {
  it('nothing constrained gives no signs', () => {
    const net = createNetwork({ inputs: 3, hidden: [4] }, createRng(1));
    expect(monotoneSigns(net, [undefined, undefined, undefined])).toBeUndefined();
  });

  it('property: after projection ŷ never moves against a constrained input (random nets, inputs, directions)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 4 }), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
      fc.constantFrom(...ACTS), fc.integer({ min: 0, max: 1e6 }),
      (inputs, hidden, activation, seed) => {
        const rng = createRng(seed);
        const net = createNetwork({ inputs, hidden, activation }, rng);
        const directions: (Direction | undefined)[] = Array.from({ length: inputs }, (_, i) =>
          (i === 0 ? 'increasing' : rng.next() < 0.5 ? 'decreasing' : undefined));
        const signs = monotoneSigns(net, directions)!;
        project(net.layers.map((l) => l.weights), signs);
        for (let t = 0; t < 20; t++) {
          const x = Float64Array.from({ length: inputs }, () => (rng.next() - 0.5) * 6);
          const y0 = predict(net, x, 1)[0];
          for (let i = 0; i < inputs; i++) {
            if (!directions[i]) continue;
            const x1 = Float64Array.from(x);
            x1[i] += 0.5;
            const dy = predict(net, x1, 1)[0] - y0;
            if (directions[i] === 'increasing') expect(dy).toBeGreaterThanOrEqual(-1e-15);
            else expect(dy).toBeLessThanOrEqual(1e-15);
          }
        }
      },
    ), { numRuns: 150 });
  });

  it('projection changes only violating weights, onto 0, and is idempotent', () => {
    const net = createNetwork({ inputs: 2, hidden: [3] }, createRng(7));
    const before = net.layers.map((l) => Float64Array.from(l.weights));
    const signs = monotoneSigns(net, ['decreasing', undefined])!;
    const weights = net.layers.map((l) => l.weights);
    project(weights, signs);
    for (let l = 0; l < weights.length; l++) {
      for (let i = 0; i < weights[l].length; i++) {
        const s = signs.layers[l][i];
        const violated = (s > 0 && before[l][i] < 0) || (s < 0 && before[l][i] > 0);
        expect(weights[l][i]).toBe(violated ? 0 : before[l][i]);
      }
    }
    // input 0 decreasing: first-layer column 0 ≤ 0; input 1 free; the output layer ≥ 0
    expect(Array.from(signs.layers[0])).toEqual([-1, 0, -1, 0, -1, 0]);
    expect(Array.from(signs.layers[1])).toEqual([1, 1, 1]);
    const once = weights.map((w) => Float64Array.from(w));
    project(weights, signs);
    expect(weights).toEqual(once);
  });
});
