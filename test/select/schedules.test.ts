/**
 * Learning-rate schedules: the rates they set (worked out by hand), what fit does with them
 * (chained fits as an independent oracle), the fast paths against the reference loop with a
 * schedule, and resume = uninterrupted with a schedule's state.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import { createNetwork } from '../../src/math/init.js';
import type { Network } from '../../src/math/network.js';
import { cloneNetwork, createWorkspace, parameterBuffers } from '../../src/math/network.js';
import { createOptimizer, optimizerConfig } from '../../src/math/optimizers.js';
import type { OptimizerName } from '../../src/math/optimizers.js';
import { isNet221 } from '../../src/accel/fast221.js';
import { createEpochRunner } from '../../src/accel/fastEpoch.js';
import { fit } from '../../src/train/fit.js';
import type { Dataset, FitOptions, FitState } from '../../src/train/fit.js';
import {
  afterEpoch, formatSchedule, parseSchedule, scheduledLr, startSchedule, type ScheduleSpec,
} from '../../src/train/schedules.js';
import { parseModel } from '../../src/model/schema.js';
import { expectSameTraining, runBoth } from '../perf/same-bits.js';

function dataset(n: number, k: number, seed: number): Dataset {
  const rng = createRng(seed);
  const X = new Float64Array(n * k);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) X[i * k + j] = rng.normal();
    Y[i] = X[i * k] * X[i * k + (k > 1 ? 1 : 0)] + 0.3 * rng.normal() > 0 ? 1 : 0;
  }
  return { X, Y, n };
}

const bits = (net: Network) => parameterBuffers(net).map((b) => Array.from(b));

/** The rates fit records, one per epoch. */
function fitRates(spec: ScheduleSpec, epochs: number, lr = 0.2, validation?: Dataset): number[] {
  const net = createNetwork({ inputs: 3, hidden: [4], activation: 'tanh' }, createRng(1));
  const r = fit(net, dataset(30, 3, 2), { epochs, batchSize: 8, optimizer: optimizerConfig('sgd', lr), rng: createRng(3), schedule: spec, validation });
  return r.history.map((h) => h.lr as number);
}

describe('the rates each schedule sets', () => {
  it('cosine:min=1e-4 over 37 epochs starts at the base rate and reaches exactly 1e-4 at the last epoch', () => {
    const rates = fitRates(parseSchedule('cosine:min=1e-4'), 37, 0.3);
    expect(rates).toHaveLength(37);
    expect(rates[0]).toBe(0.3);
    expect(rates[36]).toBe(1e-4);
    // Halfway, cos(π/2) ≈ 0: the mean of base and min.
    expect(rates[18]).toBeCloseTo((0.3 + 1e-4) / 2, 15);
    for (let e = 1; e < 37; e++) expect(rates[e]).toBeLessThan(rates[e - 1]);
  });

  it('cosine over 1 epoch runs it at the minimum (it is the last epoch)', () => {
    expect(fitRates(parseSchedule('cosine:min=0.01'), 1)).toEqual([0.01]);
  });

  it('step:every=3,gamma=0.5 halves after epochs 3 and 6 and nowhere else', () => {
    expect(fitRates(parseSchedule('step:every=3,gamma=0.5'), 8, 0.8)).toEqual([0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2]);
  });

  it('exponential:gamma=0.9 multiplies by 0.9 each epoch', () => {
    const rates = fitRates(parseSchedule('exponential:gamma=0.9'), 5, 1);
    [1, 0.9, 0.81, 0.729, 0.6561].forEach((want, e) => expect(rates[e]).toBeCloseTo(want, 14));
  });

  it('plateau:patience=2,factor=0.5 halves after two epochs without a strictly lower loss, not below min', () => {
    const spec = parseSchedule('plateau:patience=2,factor=0.5,min=0.15');
    const losses = [1, 0.9, 0.95, 0.9, 0.8, 0.8, 0.8, 0.81, 0.82];
    // Worked by hand: best 1, 0.9; wait 1, 2 → cut to 0.5; best 0.8; wait 1, 2 → cut to 0.25; wait 1, 2 → 0.125, held at min 0.15.
    const want = [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.15];
    let state = startSchedule(1);
    const got = [scheduledLr(spec, 1, 1, 10, state)];
    losses.forEach((loss, i) => {
      state = afterEpoch(spec, state, got[i], loss);
      got.push(scheduledLr(spec, 1, i + 2, 10, state));
    });
    expect(got).toEqual(want);
  });

  it('plateau in fit: the validation loss drives the cuts, and it refuses to run without a validation set', () => {
    const validation = dataset(20, 3, 9);
    const net = createNetwork({ inputs: 3, hidden: [4], activation: 'tanh' }, createRng(1));
    const r = fit(net, dataset(30, 3, 2), {
      epochs: 40, batchSize: 8, optimizer: optimizerConfig('sgd', 5), rng: createRng(3), schedule: parseSchedule('plateau:patience=1,factor=0.5'), validation,
    });
    // Replayed by hand from the recorded validation losses: a cut follows each epoch whose loss is not below the best so far.
    let best = Infinity;
    let lr = 5;
    const cuts: number[] = [];
    r.history.forEach((h) => {
      expect(h.lr).toBe(lr);
      if ((h.valLoss as number) < best) best = h.valLoss as number;
      else { lr *= 0.5; cuts.push(h.epoch); }
    });
    expect(cuts.length).toBeGreaterThan(0);
    expect(() => fitRates(parseSchedule('plateau:patience=1'), 3)).toThrow(/validation/);
  });
});

describe('the text form', () => {
  it('fills defaults and round-trips through formatSchedule', () => {
    expect(parseSchedule('step:every=50')).toEqual({ name: 'step', every: 50, gamma: 0.5 });
    expect(parseSchedule('cosine')).toEqual({ name: 'cosine', min: 0 });
    for (const text of ['step:every=50,gamma=0.25', 'exponential:gamma=0.99', 'cosine:min=0.0001', 'plateau:patience=5,factor=0.5,min=0']) {
      expect(formatSchedule(parseSchedule(text))).toBe(text);
    }
  });

  it.each([
    ['linear:rate=1', /unknown schedule "linear"/],
    ['step', /every= is required/],
    ['step:every=0', /every must be a positive integer, got 0/],
    ['step:every=5,gama=0.5', /unknown parameter "gama"/],
    ['exponential:gamma=1.5', /gamma must be a number in \(0, 1\], got 1.5/],
    ['cosine:min=abc', /min must be a number, got abc/],
    ['plateau:factor', /expected key=value, got "factor"/],
  ])('%s is refused naming the bad part', (text, message) => {
    expect(() => parseSchedule(text)).toThrow(message);
  });
});

describe('fit with a schedule is training at those rates', () => {
  it('step:every=4 with full-batch SGD equals 4 epochs at η then 4 at η·γ (two fits chained)', () => {
    const data = dataset(25, 3, 4);
    const base = createNetwork({ inputs: 3, hidden: [3], activation: 'sigmoid' }, createRng(5));
    const scheduled = cloneNetwork(base);
    fit(scheduled, data, {
      epochs: 8, batchSize: 'full', optimizer: optimizerConfig('sgd', 0.5), rng: createRng(1), schedule: parseSchedule('step:every=4,gamma=0.25'),
    });
    const chained = cloneNetwork(base);
    fit(chained, data, { epochs: 4, batchSize: 'full', optimizer: optimizerConfig('sgd', 0.5), rng: createRng(1) });
    fit(chained, data, { epochs: 4, batchSize: 'full', optimizer: optimizerConfig('sgd', 0.125), rng: createRng(1) });
    expect(bits(scheduled)).toEqual(bits(chained));
  });

  it('the caller\'s optimizer config keeps its base rate (the model file records it)', () => {
    const config = optimizerConfig('adam', 0.01);
    const net = createNetwork({ inputs: 3, hidden: [2], activation: 'tanh' }, createRng(5));
    const r = fit(net, dataset(10, 3, 1), { epochs: 5, batchSize: 4, optimizer: config, rng: createRng(1), schedule: parseSchedule('cosine:min=0') });
    expect(config.lr).toBe(0.01);
    expect(r.optimizer.config.lr).toBe(0);
  });
});

describe('every fast path gives the reference loop\'s bytes with a schedule', () => {
  const schedules = ['step:every=2,gamma=0.5', 'exponential:gamma=0.7', 'cosine:min=0.001', 'plateau:patience=1,factor=0.3'];
  const nets: { name: string; make: () => Network; k: number }[] = [
    { name: '2-2-1 sigmoid (inline SGD)', make: () => createNetwork({ inputs: 2, hidden: [2], activation: 'sigmoid' }, createRng(7)), k: 2 },
    { name: '3-5-3-1 tanh (dense)', make: () => createNetwork({ inputs: 3, hidden: [5, 3], activation: 'tanh' }, createRng(7)), k: 3 },
  ];
  for (const { name, make, k } of nets) {
    for (const text of schedules) {
      for (const batch of [1, 7, 20] as const) {
        for (const opt of ['sgd', 'adam'] as OptimizerName[]) {
          it(`${name}, ${text}, batch ${batch}, ${opt}`, () => {
            const net = make();
            const data = dataset(40, k, 11);
            const validation = dataset(15, k, 12);
            const optimizer = optimizerConfig(opt, opt === 'adam' ? 0.05 : 2);
            // The fast path really takes this run (else the comparison would be reference vs reference).
            const ws = createWorkspace(net, batch);
            const runner = createEpochRunner(net, data, createOptimizer(optimizer, parameterBuffers(net).map((p) => p.length)), parameterBuffers(cloneNetwork(net)), ws, batch, 0, { builtinOptimizer: true });
            expect(runner).toBeDefined();
            if (name.startsWith('2-2-1')) expect(isNet221(net)).toBe(true);
            const options = { epochs: 9, batchSize: batch, optimizer, validation, schedule: parseSchedule(text) };
            const r = runBoth(net, data, options, 3);
            expectSameTraining(r);
            // And the schedule changed the run: without it the weights differ.
            const plain = runBoth(net, data, { ...options, schedule: undefined }, 3);
            expect(bits(plain.fastNet)).not.toEqual(bits(r.fastNet));
          });
        }
      }
    }
  }
});

describe('resume with a schedule equals an uninterrupted run, bit for bit', () => {
  for (const text of ['cosine:min=0.001', 'step:every=3,gamma=0.5', 'plateau:patience=2,factor=0.5']) {
    for (const kernels of ['fast', 'reference'] as const) {
      it(`${text} (${kernels}): stop after the epoch-5 checkpoint of 14, resume`, () => {
        const train = dataset(60, 3, 1);
        const validation = dataset(20, 3, 2);
        const base = createNetwork({ inputs: 3, hidden: [4], activation: 'tanh' }, createRng(3));
        const options = (): FitOptions => ({
          epochs: 14, batchSize: 8, optimizer: optimizerConfig('momentum', 0.3), rng: createRng(9), validation,
          schedule: parseSchedule(text), kernels,
        });
        const straight = cloneNetwork(base);
        const full = fit(straight, train, options());

        const first = cloneNetwork(base);
        let saved: { state: FitState; params: number[][] } | undefined;
        fit(first, train, {
          ...options(), checkpointEvery: 5,
          onCheckpoint: (state) => { saved ??= { state: JSON.parse(JSON.stringify(state)), params: bits(first) }; },
          onEpoch: (r) => (r.epoch === 7 ? 'stop' : undefined),
        });
        expect(saved?.state.schedule).toBeDefined();
        const resumed = cloneNetwork(base);
        parameterBuffers(resumed).forEach((b, i) => b.set(saved!.params[i]));
        const rest = fit(resumed, train, { ...options(), resume: saved!.state });
        expect(bits(resumed)).toEqual(bits(straight));
        expect(rest.history).toEqual(full.history);
        expect(rest.state.schedule).toEqual(full.state.schedule);
      });
    }
  }
});

describe('the model file\'s training.schedule', () => {
  const model = (training?: Record<string, unknown>) => ({
    format: 'chainrule/model', version: 1,
    inputs: [{ name: 'x', kind: 'numeric' }], target: { name: 'y', positive: '1' },
    layers: [{ activation: 'sigmoid', weights: [[1]], bias: [0] }],
    ...(training ? { training } : {}),
  });
  it('loads files without one, with a valid one, and names the field of a bad one', () => {
    expect(() => parseModel(model())).not.toThrow();
    expect(() => parseModel(model({ seed: 1 }))).not.toThrow();
    expect(parseModel(model({ seed: 1, schedule: { name: 'step', every: 5, gamma: 0.5 } })).training?.schedule).toEqual({ name: 'step', every: 5, gamma: 0.5 });
    expect(() => parseModel(model({ schedule: { name: 'step', every: -1, gamma: 0.5 } }))).toThrow(/training\.schedule: step: every must be a positive integer, got -1/);
    expect(() => parseModel(model({ schedule: 'cosine' }))).toThrow(/training\.schedule: must be an object/);
  });
});
