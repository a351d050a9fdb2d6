/**
 * The spec tables hold together: every activation's batch loops (activate, activationBackward)
 * agree with its record's scalar f and df, and df agrees with a central finite difference of f;
 * every loss's gradient agrees with a finite difference of its value (through the fused
 * activation where it has one); optimizer configs carry the table's defaults in the order a model
 * file records them. So a new record whose loops or derivative disagree fails here.
 */
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, activate, activationBackward, activations } from '../../src/math/activations.js';
import { LOSSES, losses } from '../../src/math/losses.js';
import { OPTIMIZERS, optimizerConfig, optimizers } from '../../src/math/optimizers.js';

/** Pre-activations on both sides of 0, away from the relu family's kink, and two large ones. */
const Z = Float64Array.of(-30, -4.5, -1.25, -0.3, -0.01, 0.02, 0.4, 1.7, 6, 35);

function centralDifference(f: (z: number) => number, z: number): number {
  const h = 1e-6 * Math.max(1, Math.abs(z));
  return (f(z + h) - f(z - h)) / ((z + h) - (z - h));
}

describe.each(ACTIVATIONS.map((name) => [name]))('activation %s', (name) => {
  const spec = activations[name];

  it('activate gives exactly f(z) element by element', () => {
    const A = new Float64Array(Z.length);
    activate(name, Z, A, Z.length);
    A.forEach((a, i) => expect(Object.is(a, spec.f(Z[i])), `f(${Z[i]})`).toBe(true));
  });

  it('df(z, f(z)) = the central difference of f to 1e-7, and activationBackward = dA·df to 1 ulp', () => {
    const A = Float64Array.from(Z, spec.f);
    const dA = Float64Array.from(Z, (_, i) => 0.5 + 0.25 * i);
    const dZ = new Float64Array(Z.length);
    activationBackward(name, dA, Z, A, dZ, Z.length);
    Z.forEach((z, i) => {
      const df = spec.df(z, A[i]);
      expect(Math.abs(df - centralDifference(spec.f, z)), `${name}'(${z})`).toBeLessThan(1e-7);
      expect(Math.abs(dZ[i] - dA[i] * df), `dZ at ${z}`).toBeLessThanOrEqual(2.3e-16 * Math.abs(dA[i] * df));
    });
  });

  it('names an ONNX op, an initialiser, and a factor formula in the unit\'s own symbols (or none when the factor is 1)', () => {
    expect(spec.onnx.op).toMatch(/^[A-Z][A-Za-z]+$/);
    expect(['xavier', 'he']).toContain(spec.init);
    if (spec.factor) expect(spec.factor.formula('a7', 'z7')).toMatch(/[az]7/);
    else expect(Z.every((z) => spec.df(z, spec.f(z)) === 1)).toBe(true);
  });
});

// Row-wise losses (cross-entropy over a softmax row) are checked row by row in test/tasks/heads.test.ts.
describe.each(LOSSES.filter((name) => losses[name].scope === 'element').map((name) => [name]))('loss %s', (name) => {
  const spec = losses[name];
  if (spec.scope !== 'element') throw new Error(`${name} is not element-wise`);
  it('gradient = central difference of the value (in z through the fused activation, else in a), for y in {0, 0.3, 1}', () => {
    for (const y of [0, 0.3, 1]) {
      for (const z of [-3, -0.4, 0.2, 2.5]) {
        if (spec.fusedWith) {
          const fused = activations[spec.fusedWith];
          if (fused.scope !== 'element') throw new Error(`${name} is fused with a row-wise activation`);
          const f = fused.f;
          const fd = centralDifference((t) => spec.value(t, f(t), y), z);
          expect(Math.abs(spec.gradient(z, f(z), y) - fd), `z=${z} y=${y}`).toBeLessThan(1e-7);
        } else {
          const fd = centralDifference((a) => spec.value(z, a, y), z);
          expect(Math.abs(spec.gradient(z, z, y) - fd), `a=${z} y=${y}`).toBeLessThan(1e-7);
        }
      }
    }
  });
});

describe('optimizer table', () => {
  it('optimizerConfig writes name, lr, then the defaults in the table\'s order (the bytes a model file records)', () => {
    expect(OPTIMIZERS).toEqual(['sgd', 'momentum', 'adam']);
    expect(JSON.stringify(optimizerConfig('sgd', 0.5))).toBe('{"name":"sgd","lr":0.5}');
    expect(JSON.stringify(optimizerConfig('momentum', 0.1))).toBe('{"name":"momentum","lr":0.1,"momentum":0.9}');
    expect(JSON.stringify(optimizerConfig('adam', 0.01))).toBe('{"name":"adam","lr":0.01,"beta1":0.9,"beta2":0.999,"epsilon":1e-8}');
    expect(OPTIMIZERS.map((n) => optimizers[n].moments)).toEqual([0, 1, 2]);
  });
});
