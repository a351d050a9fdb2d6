/**
 * Constrained counterfactuals (checked with a forward pass written here) and permutation importance
 * / partial dependence of a network trained on data with two decisive inputs and a pure-noise one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActivationName } from '../../src/math/activations.js';
import type { Network } from '../../src/math/network.js';
import { createNetwork } from '../../src/math/init.js';
import { createRng } from '../../src/math/rng.js';
import { optimizerConfig } from '../../src/math/optimizers.js';
import { fit } from '../../src/train/fit.js';
import type { ModelInput } from '../../src/model/schema.js';
import {
  binaryHead, constrainedCounterfactuals, inputGroups, partialDependence, permutationImportance,
} from '../../src/explain/attributions/index.js';
import { counterfactualCaseFields, layer } from './networks.js';

interface PlainLayer { activation: ActivationName; weights: number[][]; bias: number[] }

function plainForward(layers: readonly PlainLayer[], x: readonly number[]): number {
  const act = (name: ActivationName, z: number) => (name === 'sigmoid' ? 1 / (1 + Math.exp(-z)) : name === 'tanh' ? Math.tanh(z) : z);
  let a = [...x];
  for (const l of layers) a = l.weights.map((row, j) => act(l.activation, row.reduce((s, w, i) => s + w * a[i], l.bias[j])));
  return a[0];
}

const toNetwork = (layers: readonly PlainLayer[]): Network => ({ loss: 'bce', layers: layers.map((l) => layer(l.activation, l.weights, l.bias)) });

/** The raw record of a counterfactual, encoded here (standardised numeric, one-hot categorical). */
function encodePlain(inputs: readonly ModelInput[], record: Record<string, number | string | null>): number[] {
  return inputs.flatMap((input) => {
    const v = record[input.name];
    if (input.kind === 'numeric') return [input.mean === undefined ? (v as number) : ((v as number) - input.mean) / (input.std as number)];
    return input.categories.map((c) => (c === v ? 1 : 0));
  });
}

describe('constrained counterfactuals', () => {
  // An AND of two inputs, as in the promotion data: promoted only when both are high enough.
  const inputs: ModelInput[] = [
    { name: 'years', kind: 'numeric', mean: 5, std: 2, min: 0, max: 20 },
    { name: 'score', kind: 'numeric', mean: 70, std: 10, min: 0, max: 100 },
  ];
  const andNet: PlainLayer[] = [
    { activation: 'sigmoid', weights: [[6, 0], [0, 6]], bias: [-1, -1] },
    { activation: 'sigmoid', weights: [[10, 10]], bias: [-15] },
  ];
  const record = { years: 3, score: 60 };
  const x = Float64Array.from(encodePlain(inputs, record));

  it('need a pair of changes when no single input can cross (an AND of two inputs), and every one crosses by a forward pass', () => {
    const found = constrainedCounterfactuals(toNetwork(andNet), binaryHead(), inputGroups(inputs), x, { threshold: 0.5 });
    expect(plainForward(andNet, Array.from(x))).toBeLessThan(0.5);
    expect(found.length).toBeGreaterThan(0);
    for (const cf of found) {
      expect(cf.changes.map((c) => c.input)).toEqual(['years', 'score']);
      const changed = { ...record, ...Object.fromEntries(cf.changes.map((c) => [c.input, c.to])) };
      const p = plainForward(andNet, encodePlain(inputs, changed));
      expect(p).toBeGreaterThan(0.5);
      expect(Math.abs(p - cf.prediction)).toBeLessThan(1e-15);
      const distance = cf.changes.reduce((s, c) => s + Math.abs((c.to as number) - (c.from as number)) / (c.input === 'years' ? 2 : 10), 0);
      expect(Math.abs(distance - cf.distance)).toBeLessThan(1e-9);
    }
    // The boundary needs both hidden units past σ⁻¹: by symmetry of this network the nearest point moves both by the same std units.
    const [best] = found;
    const dy = ((best.changes[0].to as number) - 3) / 2;
    const ds = ((best.changes[1].to as number) - 60) / 10;
    expect(Math.abs(dy - ds)).toBeLessThan(2e-3);
  });

  it('find none when one of the two inputs is immutable, and respect a range that cuts off the nearest point', () => {
    expect(constrainedCounterfactuals(toNetwork(andNet), binaryHead(), inputGroups(inputs), x, { threshold: 0.5, immutable: ['score'] })).toEqual([]);
    const free = constrainedCounterfactuals(toNetwork(andNet), binaryHead(), inputGroups(inputs), x, { threshold: 0.5 })[0];
    const capYears = (free.changes[0].to as number) - 0.2;
    const ranged = constrainedCounterfactuals(toNetwork(andNet), binaryHead(), inputGroups(inputs), x, { threshold: 0.5, ranges: { years: [0, capYears] } });
    expect(ranged.length).toBeGreaterThan(0);
    for (const cf of ranged) {
      expect(cf.changes[0].to as number).toBeLessThanOrEqual(capYears);
      expect(cf.distance).toBeGreaterThan(free.distance);
    }
  });

  const arb = fc.record(counterfactualCaseFields);

  it('respect immutables and ranges and cross the threshold (fast-check: 3 inputs, maybe one categorical, 1–4 hidden units, k = 1–2)', () => {
    let withAnswers = 0;
    fc.assert(fc.property(arb, ({ values, categorical, hidden, immutable, maxChanges, rangeWidth }) => {
      let k = 0;
      const next = () => values[k++ % values.length];
      const model: ModelInput[] = [
        { name: 'a', kind: 'numeric', mean: 1, std: 2 },
        categorical ? { name: 'b', kind: 'categorical', categories: ['p', 'q', 'r'] } : { name: 'b', kind: 'numeric', mean: -3, std: 0.5 },
        { name: 'c', kind: 'numeric' },
      ];
      const width = categorical ? 5 : 3;
      const layers: PlainLayer[] = [
        { activation: 'tanh', weights: Array.from({ length: hidden }, () => Array.from({ length: width }, () => 2 * next())), bias: Array.from({ length: hidden }, next) },
        { activation: 'sigmoid', weights: [Array.from({ length: hidden }, () => 3 * next())], bias: [next()] },
      ];
      const rec: Record<string, number | string> = { a: 1 + 2 * next(), b: categorical ? 'q' : -3 + next(), c: next() };
      const names = ['a', 'b', 'c'];
      const frozen = immutable === 3 ? [] : [names[immutable]];
      const ranges: Record<string, [number, number]> = { a: [rec.a as number - rangeWidth, rec.a as number + rangeWidth / 2], c: [rec.c as number - rangeWidth / 3, rec.c as number + rangeWidth] };
      const enc = Float64Array.from(encodePlain(model, rec));
      const now = plainForward(layers, Array.from(enc)) > 0.5;
      const found = constrainedCounterfactuals(toNetwork(layers), binaryHead(), inputGroups(model), enc, { threshold: 0.5, immutable: frozen, ranges, maxChanges });
      if (found.length > 0) withAnswers++;
      for (const cf of found) {
        expect(cf.changes.length).toBeGreaterThanOrEqual(1);
        expect(cf.changes.length).toBeLessThanOrEqual(maxChanges);
        for (const change of cf.changes) {
          expect(frozen).not.toContain(change.input);
          expect(change.to).not.toEqual(change.from);
          const range = ranges[change.input];
          if (range) {
            expect(change.to as number).toBeGreaterThanOrEqual(range[0]);
            expect(change.to as number).toBeLessThanOrEqual(range[1]);
          }
        }
        const changed = { ...rec, ...Object.fromEntries(cf.changes.map((c) => [c.input, c.to])) };
        expect(plainForward(layers, encodePlain(model, changed as Record<string, number | string>)) > 0.5).toBe(!now);
      }
      const again = constrainedCounterfactuals(toNetwork(layers), binaryHead(), inputGroups(model), enc, { threshold: 0.5, immutable: frozen, ranges, maxChanges });
      expect(again).toEqual(found);
      // Sorted nearest first.
      for (let i = 1; i < found.length; i++) expect(found[i].distance).toBeGreaterThanOrEqual(found[i - 1].distance);
    }), { numRuns: 40 });
    // The property is not vacuous: most random cases have counterfactuals to check.
    expect(withAnswers).toBeGreaterThanOrEqual(20);
  });
});

describe('permutation importance and partial dependence', () => {
  // y = 1 when 2·x1 − x2 + 0.3·N(0, 1) > 0; x3 is pure noise. A 3-4-1 network trained on 600 rows.
  const n = 600;
  const rng = createRng(11);
  const X = new Float64Array(n * 3);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X[i * 3] = rng.normal();
    X[i * 3 + 1] = rng.normal();
    X[i * 3 + 2] = rng.normal();
    Y[i] = 2 * X[i * 3] - X[i * 3 + 1] + 0.3 * rng.normal() > 0 ? 1 : 0;
  }
  const net = createNetwork({ inputs: 3, hidden: [4] }, createRng(3));
  fit(net, { X, Y, n }, { epochs: 60, batchSize: 32, optimizer: optimizerConfig('adam', 0.05), rng: createRng(4) });
  const groups = inputGroups([
    { name: 'x1', kind: 'numeric' }, { name: 'x2', kind: 'numeric' }, { name: 'noise', kind: 'numeric' },
  ]);
  const accuracyOf = (p: Float64Array) => p.reduce((s, pi, i) => s + ((pi > 0.5 ? 1 : 0) === Y[i] ? 1 : 0), 0) / n;

  it('of a pure-noise column is within 2 std of 0 and the decisive inputs are clearly above (repeats 10, accuracy)', () => {
    const r = permutationImportance(net, groups, X, n, accuracyOf, { repeats: 10, seed: 1 });
    expect(r.baseline).toBeGreaterThan(0.9);
    const [x1, x2, noise] = r.importances;
    expect(Math.abs(noise.mean)).toBeLessThanOrEqual(2 * noise.std + 1e-12);
    expect(x1.mean).toBeGreaterThan(0.25);
    expect(x2.mean).toBeGreaterThan(0.1);
    expect(x1.mean).toBeGreaterThan(x2.mean);
    expect(x1.mean - 5 * x1.std).toBeGreaterThan(noise.mean + 5 * noise.std);
    // The std is numpy's population std of the recorded drops, the mean their plain mean.
    const mean = x1.drops.reduce((a, b) => a + b, 0) / 10;
    expect(x1.mean).toBeCloseTo(mean, 15);
    expect(x1.std).toBeCloseTo(Math.sqrt(x1.drops.reduce((a, d) => a + (d - mean) ** 2, 0) / 10), 15);
    // Same seed, same shuffles; X is left as it was.
    expect(permutationImportance(net, groups, X, n, accuracyOf, { repeats: 10, seed: 1 })).toEqual(r);
  });

  it('partial dependence is the mean of the ICE curves when every row is kept, on an evenly spaced grid over the data', () => {
    const pd = partialDependence(net, binaryHead(), groups, X, 40, { gridSize: 7, iceRows: 40 });
    expect(pd.map((p) => p.input)).toEqual(['x1', 'x2', 'noise']);
    for (const p of pd) {
      expect(p.grid).toHaveLength(7);
      p.average.forEach((avg, j) => {
        const mean = p.ice.values.reduce((s, row) => s + row[j], 0) / 40;
        expect(Math.abs(avg - mean)).toBeLessThan(1e-15);
      });
    }
    // ŷ rises with x1 and falls with x2, as the data were made.
    expect(pd[0].average[6]).toBeGreaterThan(pd[0].average[0] + 0.5);
    expect(pd[1].average[6]).toBeLessThan(pd[1].average[0] - 0.3);
    // An ICE value is the network at that row with the input replaced.
    const row = Array.from(X.subarray(3 * 5, 3 * 6));
    row[0] = pd[0].grid[3];
    const single = net.layers.reduce((a, l) => Array.from({ length: l.units }, (_, j) => {
      let z = l.bias[j];
      for (let i = 0; i < l.inputs; i++) z += l.weights[j * l.inputs + i] * a[i];
      return 1 / (1 + Math.exp(-z));
    }), row)[0];
    expect(Math.abs(pd[0].ice.values[5][3] - single)).toBeLessThan(1e-12);
  });
});
