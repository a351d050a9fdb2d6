/**
 * The network's plumbing around forward/backward: initialisers (Xavier for sigmoid/tanh/linear,
 * He for relu) from a seeded generator, shape validation, `predict` in chunks, copies that do not
 * share buffers, workspace capacity.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import { createNetwork } from '../../src/math/init.js';
import { cloneNetwork, createWorkspace, forward, predict, validateNetwork } from '../../src/math/network.js';
import { refForward } from './reference.js';
import { testRandom, toRefLayers } from './bridge.js';

const stats = (xs: Float64Array) => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
  return { mean, variance, max: Math.max(...xs.map(Math.abs)) };
};

describe('createNetwork initialisation', () => {
  it('same seed (42) gives the same weights; seed 43 different; biases start at 0', () => {
    const spec = { inputs: 3, hidden: [5, 4], activation: 'tanh' as const };
    const a = createNetwork(spec, createRng(42));
    const b = createNetwork(spec, createRng(42));
    const c = createNetwork(spec, createRng(43));
    expect(toRefLayers(a)).toEqual(toRefLayers(b));
    expect(toRefLayers(a)).not.toEqual(toRefLayers(c));
    a.layers.forEach((l) => expect(Array.from(l.bias).every((v) => v === 0)).toBe(true));
  });

  it('shapes and activations: 3 → [5 tanh, 4 tanh] → 1 sigmoid, loss bce by default', () => {
    const net = createNetwork({ inputs: 3, hidden: [5, 4], activation: 'tanh' }, createRng(1));
    expect(net.loss).toBe('bce');
    expect(net.layers.map((l) => [l.inputs, l.units, l.activation, l.weights.length])).toEqual([
      [3, 5, 'tanh', 15], [5, 4, 'tanh', 20], [4, 1, 'sigmoid', 4],
    ]);
  });

  it('Xavier (sigmoid, 200 → 300): uniform within ±√(6/500), variance ≈ limit²/3 (±5%)', () => {
    const net = createNetwork({ inputs: 200, hidden: [300] }, createRng(5));
    const limit = Math.sqrt(6 / 500);
    const s = stats(net.layers[0].weights);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.max).toBeGreaterThan(0.99 * limit);
    expect(Math.abs(s.mean)).toBeLessThan(0.01 * limit);
    expect(Math.abs(s.variance / (limit * limit / 3) - 1)).toBeLessThan(0.05);
  });

  it('He (relu, 200 → 300): normal with variance ≈ 2/200 (±5%), about 4.6% beyond 2σ', () => {
    const net = createNetwork({ inputs: 200, hidden: [300], activation: 'relu' }, createRng(6));
    const w = net.layers[0].weights;
    const s = stats(w);
    const sd = Math.sqrt(2 / 200);
    expect(Math.abs(s.mean)).toBeLessThan(0.02 * sd);
    expect(Math.abs(s.variance / (sd * sd) - 1)).toBeLessThan(0.05);
    const tail = w.filter((x) => Math.abs(x) > 2 * sd).length / w.length;
    expect(Math.abs(tail - 0.0455)).toBeLessThan(0.006);
  });

  it('bce with a non-sigmoid output is refused, naming the activation', () => {
    expect(() => createNetwork({ inputs: 2, hidden: [2], outputActivation: 'tanh', loss: 'bce' }, createRng(1))).toThrow(/"tanh"/);
    expect(() => createNetwork({ inputs: 2, hidden: [2], outputActivation: 'tanh', loss: 'mse' }, createRng(1))).not.toThrow();
  });
});

describe('validateNetwork names what is wrong', () => {
  const base = () => createNetwork({ inputs: 2, hidden: [3] }, createRng(1));
  it('weights of the wrong length → layers[0].weights must have 3×2 values, got 5', () => {
    const net = base();
    net.layers[0] = { ...net.layers[0], weights: new Float64Array(5) };
    expect(() => validateNetwork(net)).toThrow('layers[0].weights must have 3×2 values, got 5');
  });
  it('a layer whose inputs do not match the previous units → layers[1] takes 4 inputs but layers[0] has 3 units', () => {
    const net = base();
    net.layers[1] = { ...net.layers[1], inputs: 4, weights: new Float64Array(4) };
    expect(() => validateNetwork(net)).toThrow('layers[1] takes 4 inputs but layers[0] has 3 units');
  });
  it('no layers at all', () => {
    expect(() => validateNetwork({ loss: 'bce', layers: [] })).toThrow(/at least one layer/);
  });
});

describe('predict and workspaces', () => {
  it('predict over 9000 rows (three chunks of ≤ 4096) equals the plain forward pass row by row', () => {
    const net = createNetwork({ inputs: 3, hidden: [4], activation: 'tanh' }, createRng(8));
    const rand = testRandom(8);
    const n = 9000;
    const X = Float64Array.from({ length: n * 3 }, () => 4 * rand() - 2);
    const out = predict(net, X, n);
    expect(out).toHaveLength(n);
    const layers = toRefLayers(net);
    for (const r of [0, 4095, 4096, 4097, 8191, 8192, 8999]) {
      const { a } = refForward(layers, Array.from(X.subarray(r * 3, r * 3 + 3)));
      expect(out[r]).toBeCloseTo(a[1][0], 14);
    }
  });

  it('predict on zero rows returns an empty array', () => {
    const net = createNetwork({ inputs: 2, hidden: [2] }, createRng(1));
    expect(predict(net, new Float64Array(0), 0)).toHaveLength(0);
  });

  it('forward with more rows than the workspace holds throws, naming both numbers', () => {
    const net = createNetwork({ inputs: 2, hidden: [2] }, createRng(1));
    const ws = createWorkspace(net, 3);
    expect(() => forward(net, new Float64Array(8), 4, ws)).toThrow(/4 rows exceeds workspace capacity 3/);
  });

  it('cloneNetwork copies the buffers: changing the clone leaves the original alone', () => {
    const net = createNetwork({ inputs: 2, hidden: [2] }, createRng(1));
    const before = toRefLayers(net);
    const copy = cloneNetwork(net);
    copy.layers[0].weights[0] += 1;
    copy.layers[1].bias[0] += 1;
    expect(toRefLayers(net)).toEqual(before);
    expect(toRefLayers(copy)).not.toEqual(before);
  });
});
