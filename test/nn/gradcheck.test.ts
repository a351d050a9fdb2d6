/**
 * Backprop against central finite differences of an independently written loss (test/nn/reference),
 * for random architectures: depth 1–4 layers, widths 1–8, every activation in the hidden layers
 * (and in the output under MSE), sigmoid output under BCE, batches of 1–16 rows, targets in [0, 1].
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RefActivation, RefLayer } from './reference.js';
import { centralDifference, closeMixed, getParam, paramRefs, refForward, refLoss } from './reference.js';
import { libraryGradients, testRandom } from './bridge.js';

const ACTS: RefActivation[] = ['sigmoid', 'tanh', 'relu', 'linear', 'leaky_relu', 'softplus'];
const TOL = 1e-6;
/** Relu and leaky_relu pre-activations closer than this to the kink make finite differences meaningless. */
const KINK = 1e-3;

interface Case {
  seed: number;
  inputs: number;
  hidden: { width: number; activation: RefActivation }[];
  outputs: number;
  outputActivation: RefActivation;
  loss: 'bce' | 'mse';
  batch: number;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    inputs: fc.integer({ min: 1, max: 8 }),
    hidden: fc.array(fc.record({ width: fc.integer({ min: 1, max: 8 }), activation: fc.constantFrom(...ACTS) }), { maxLength: 3 }),
    outputs: fc.integer({ min: 1, max: 3 }),
    outputActivation: fc.constantFrom(...ACTS),
    loss: fc.constantFrom<'bce' | 'mse'>('bce', 'mse'),
    batch: fc.integer({ min: 1, max: 16 }),
  })
  .map((c) => (c.loss === 'bce' ? { ...c, outputActivation: 'sigmoid' as const } : c));

function describeCase(c: Case): string {
  const shape = [c.inputs, ...c.hidden.map((h) => `${h.width}${h.activation}`), `${c.outputs}${c.outputActivation}`].join('-');
  return `${shape} ${c.loss} batch=${c.batch} seed=${c.seed}`;
}

/** Weights uniform in [−1, 1], biases non-zero (±[0.1, 1]) so relu units sit away from the kink. */
function build(c: Case): { layers: RefLayer[]; X: number[][]; Y: number[][]; sampleWeight: number[] } {
  const rand = testRandom(c.seed);
  const widths = [c.inputs, ...c.hidden.map((h) => h.width), c.outputs];
  const acts = [...c.hidden.map((h) => h.activation), c.outputActivation];
  const layers: RefLayer[] = acts.map((activation, l) => ({
    activation,
    weights: Array.from({ length: widths[l + 1] }, () => Array.from({ length: widths[l] }, () => 2 * rand() - 1)),
    bias: Array.from({ length: widths[l + 1] }, () => (rand() < 0.5 ? -1 : 1) * (0.1 + 0.9 * rand())),
  }));
  const X = Array.from({ length: c.batch }, () => Array.from({ length: c.inputs }, () => 4 * rand() - 2));
  const Y = Array.from({ length: c.batch }, () => Array.from({ length: c.outputs }, () => rand()));
  const sampleWeight = Array.from({ length: c.batch }, () => 0.25 + 2 * rand());
  return { layers, X, Y, sampleWeight };
}

function nearReluKink(layers: RefLayer[], X: number[][]): boolean {
  return X.some((x) => {
    const { z } = refForward(layers, x);
    return layers.some((layer, l) => (layer.activation === 'relu' || layer.activation === 'leaky_relu') && z[l].some((v) => Math.abs(v) < KINK));
  });
}

/** Every backprop gradient against its finite difference; returns the failures, described. */
function mismatches(c: Case, weighted: boolean): string[] {
  const { layers, X, Y, sampleWeight } = build(c);
  const sw = weighted ? sampleWeight : undefined;
  const lib = libraryGradients(layers, c.loss, X, Y, sw);
  const failures: string[] = [];
  const f = (ls: RefLayer[]) => refLoss(ls, c.loss, X, Y, sw);
  if (!closeMixed(lib.loss, f(layers), 1e-12)) failures.push(`loss ${lib.loss} vs reference ${f(layers)}`);
  for (const p of paramRefs(layers)) {
    const g = p.kind === 'weights' ? lib.weights[p.layer][p.j][p.i] : lib.bias[p.layer][p.j];
    const fd = centralDifference(layers, p, f);
    if (!closeMixed(g, fd, TOL)) failures.push(`${JSON.stringify(p)} backprop ${g} fd ${fd} (param ${getParam(layers, p)})`);
  }
  return failures;
}

describe('gradient check: backprop equals central finite differences to 1e-6 (mixed tolerance)', () => {
  it('random architectures, depth 1–4, widths 1–8, every activation, bce and mse, batch 1–16 (fast-check seed 20261123, 300 runs)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { layers, X } = build(c);
        fc.pre(!nearReluKink(layers, X));
        const failures = mismatches(c, false);
        if (failures.length) throw new Error(`${describeCase(c)}: ${failures.slice(0, 3).join('; ')}`);
      }),
      { seed: 20261123, numRuns: 300 },
    );
  });

  it('with per-row sample weights in [0.25, 2.25]: gradients of the weighted mean loss (fast-check seed 7, 150 runs)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { layers, X } = build(c);
        fc.pre(!nearReluKink(layers, X));
        const failures = mismatches(c, true);
        if (failures.length) throw new Error(`${describeCase(c)}: ${failures.slice(0, 3).join('; ')}`);
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it('the library forward output equals the plainly written forward pass to 1e-12 (fast-check seed 11, 200 runs)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { layers, X, Y } = build(c);
        const lib = libraryGradients(layers, c.loss, X, Y);
        X.forEach((x, r) => {
          const { a } = refForward(layers, x);
          a[a.length - 1].forEach((v, j) => {
            if (!closeMixed(lib.output[r][j], v, 1e-12)) throw new Error(`${describeCase(c)}: row ${r} output ${j}: ${lib.output[r][j]} vs ${v}`);
          });
        });
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it('sample weights change the gradient: weight 3 on one row of two equals that row counted three times', () => {
    // An oracle that does not go through finite differences: duplicating a row is a sample weight.
    const rand = testRandom(99);
    const layers: RefLayer[] = [
      { activation: 'tanh', weights: [[0.3, -0.7], [0.5, 0.2], [-0.4, 0.9]], bias: [0.1, -0.2, 0.3] },
      { activation: 'sigmoid', weights: [[0.8, -0.6, 0.4]], bias: [-0.1] },
    ];
    const X = [[rand(), rand()], [rand() - 1, rand()]];
    const Y = [[1], [0.2]];
    const weighted = libraryGradients(layers, 'bce', X, Y, [3, 1]);
    const repeated = libraryGradients(layers, 'bce', [X[0], X[0], X[0], X[1]], [Y[0], Y[0], Y[0], Y[1]]);
    // weighted mean divides by 2 rows, the repeated one by 4: a factor 2 between them.
    expect(weighted.loss).toBeCloseTo(2 * repeated.loss, 14);
    weighted.weights.flat(2).forEach((g, k) => expect(g).toBeCloseTo(2 * repeated.weights.flat(2)[k], 14));
    weighted.bias.flat().forEach((g, k) => expect(g).toBeCloseTo(2 * repeated.bias.flat()[k], 14));
  });
});
