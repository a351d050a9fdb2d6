/**
 * The library checks its options like the CLI checks its flags (issue 14 item 8): `train` and
 * `fit` throw an OptionsError naming the option and quoting the value for an unknown key, a rate
 * or count out of range, a name not in the tables — before any training — and `fit` completes an
 * optimizer config with the table's defaults instead of running Adam with undefined betas.
 */
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

const rows = [[1, 2, '0'], [2, 1, '1'], [3, 5, '1'], [0, 1, '0'], [4, 4, '1'], [1, 0, '0']];
const table = () => api.tableFromRows('t.csv', ['a', 'b', 'y'], rows.map((r) => r.map(String)));

/** The OptionsError `call` throws (failing the test when it throws anything else, or nothing). */
function optionsError(call: () => unknown): api.OptionsError {
  try {
    call();
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(api.OptionsError);
    return err as api.OptionsError;
  }
  throw new Error('expected an OptionsError, nothing was thrown');
}

describe('train(table, options) refuses a bad option by name, quoting the value', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['a typo', { hiden: [4] }, 'hiden', 'unknown option "hiden" (did you mean "hidden"?); the options are target, task, positive,'],
    ['lr -1', { lr: -1 }, 'lr', 'lr must be a positive number, got -1'],
    ['lr NaN', { lr: NaN }, 'lr', 'lr must be a positive number, got NaN'],
    ['epochs 0', { epochs: 0 }, 'epochs', 'epochs must be a positive integer, got 0'],
    ['epochs 2.5', { epochs: 2.5 }, 'epochs', 'epochs must be a positive integer, got 2.5'],
    ['optimizer rmsprop', { optimizer: 'rmsprop' }, 'optimizer', 'optimizer must be one of sgd, momentum, adam, got "rmsprop"'],
    ['activation softmax', { activation: 'softmax' }, 'activation', 'activation must be one of sigmoid, tanh, relu, linear, leaky_relu, softplus, got "softmax"'],
    ['batchSize 0', { batchSize: 0 }, 'batchSize', 'batchSize must be a positive integer or "full", got 0'],
    ['batchSize "all"', { batchSize: 'all' }, 'batchSize', 'batchSize must be a positive integer or "full", got "all"'],
    ['hidden [2, 0]', { hidden: [2, 0] }, 'hidden', 'hidden must be a list of positive integers (hidden-layer widths), got [2,0]'],
    ['val 1', { val: 1 }, 'val', 'val must be a fraction in [0, 1), got 1'],
    ['loss hinge', { loss: 'hinge' }, 'loss', 'loss must be one of bce, mse, huber, cross_entropy, got "hinge"'],
    ['threshold 1', { threshold: 1 }, 'threshold', 'threshold must be a number in (0, 1), got 1'],
    ['l2 -0.1', { l2: -0.1 }, 'l2', 'l2 must be a non-negative number, got -0.1'],
    ['seed "42"', { seed: '42' }, 'seed', 'seed must be an integer, got "42"'],
    ['onEpoch not a function', { onEpoch: 3 }, 'onEpoch', 'onEpoch must be a function, got 3'],
    ['patience without val', { patience: 5 }, 'patience', 'patience needs a validation split (val > 0, e.g. 0.2), got patience 5 with val 0'],
  ];
  for (const [title, options, option, message] of cases) {
    it(`${title}: OptionsError on ${option}`, () => {
      let epochs = 0;
      const err = optionsError(() => api.train(table(), { target: 'y', onEpoch: () => void epochs++, ...options } as api.TrainConfig));
      expect(err.option).toBe(option);
      expect(err.message.startsWith(message), err.message).toBe(true);
      expect(epochs).toBe(0); // refused before training started
    });
  }

  it('a missing target is named', () => {
    const err = optionsError(() => api.train(table(), {} as api.TrainConfig));
    expect(err.message).toBe('target is required (a column name)');
  });

  it('good options still train, and undefined still means the default', () => {
    const a = api.train(table(), { target: 'y', epochs: 3, lr: undefined });
    const b = api.train(table(), { target: 'y', epochs: 3, lr: api.TRAIN_DEFAULTS.lr });
    expect(a.model.layers).toEqual(b.model.layers);
    expect(a.result.history).toHaveLength(3);
  });
});

describe('fit(net, data, options)', () => {
  const data = () => {
    const rng = api.createRng(3);
    const n = 64;
    const X = Float64Array.from({ length: 2 * n }, () => 2 * rng.next() - 1);
    const Y = Float64Array.from({ length: n }, (_, r) => (X[2 * r] + X[2 * r + 1] > 0 ? 1 : 0));
    return { X, Y, n };
  };
  const fresh = () => api.createNetwork({ inputs: 2, hidden: [3] }, api.createRng(11));

  it('{ name: "adam", lr: 1e-3 } trains with β₁ 0.9, β₂ 0.999, ε 1e-8: the same bits as the full config, loss falling', () => {
    const short = fresh();
    const full = fresh();
    const a = api.fit(short, data(), { epochs: 20, batchSize: 16, optimizer: { name: 'adam', lr: 1e-3 }, rng: api.createRng(1) });
    const b = api.fit(full, data(), {
      epochs: 20, batchSize: 16, optimizer: { name: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, rng: api.createRng(1),
    });
    expect(a.history.map((h) => h.loss)).toEqual(b.history.map((h) => h.loss));
    short.layers.forEach((layer, l) => expect(Array.from(layer.weights)).toEqual(Array.from(full.layers[l].weights)));
    expect(a.history[19].loss).toBeLessThan(a.history[0].loss);
    for (const h of a.history) expect(Number.isFinite(h.loss)).toBe(true);
    // A given hyperparameter wins over the default.
    const c = api.fit(fresh(), data(), { epochs: 20, batchSize: 16, optimizer: { name: 'adam', lr: 1e-3, beta1: 0.5 }, rng: api.createRng(1) });
    expect(c.history[19].loss).not.toBe(a.history[19].loss);
  });

  it('momentum without its μ uses 0.9', () => {
    const a = api.fit(fresh(), data(), { epochs: 5, batchSize: 'full', optimizer: { name: 'momentum', lr: 0.1 }, rng: api.createRng(1) });
    const b = api.fit(fresh(), data(), { epochs: 5, batchSize: 'full', optimizer: api.optimizerConfig('momentum', 0.1), rng: api.createRng(1) });
    expect(a.history).toEqual(b.history);
  });

  const base = () => ({ epochs: 5, batchSize: 8 as number | 'full', optimizer: { name: 'sgd', lr: 0.1 } as api.OptimizerOption, rng: api.createRng(1) });
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['a typo', { epoch: 5 }, 'epoch', 'unknown option "epoch" (did you mean "epochs"?)'],
    ['epochs 0', { epochs: 0 }, 'epochs', 'epochs must be a positive integer, got 0'],
    ['batchSize 0', { batchSize: 0 }, 'batchSize', 'batchSize must be a positive integer or "full", got 0'],
    ['optimizer rmsprop', { optimizer: { name: 'rmsprop', lr: 0.1 } }, 'optimizer.name', 'optimizer.name must be one of sgd, momentum, adam, got "rmsprop"'],
    ['optimizer as a bare name', { optimizer: 'adam' }, 'optimizer', 'optimizer must be an optimizer config such as { name: "adam", lr: 0.001 } (name one of sgd, momentum, adam), got "adam"'],
    ['lr -1', { optimizer: { name: 'sgd', lr: -1 } }, 'optimizer.lr', 'optimizer.lr must be a positive number, got -1'],
    ['no lr', { optimizer: { name: 'adam' } }, 'optimizer.lr', 'optimizer.lr is required (a positive number)'],
    ['beta1 1', { optimizer: { name: 'adam', lr: 0.01, beta1: 1 } }, 'optimizer.beta1', 'optimizer.beta1 must be a number in [0, 1), got 1'],
    ['a hyperparameter typo', { optimizer: { name: 'adam', lr: 0.01, beta_1: 0.8 } }, 'optimizer.beta_1', 'unknown option "optimizer.beta_1" (did you mean "optimizer.beta1"?)'],
    ['no rng', { rng: undefined }, 'rng', 'rng is required (a seeded generator (createRng))'],
    ['kernels gpu', { kernels: 'gpu' }, 'kernels', 'kernels must be one of fast, reference, got "gpu"'],
  ];
  for (const [title, options, option, message] of cases) {
    it(`${title}: OptionsError on ${option}`, () => {
      const net = fresh();
      const before = Array.from(net.layers[0].weights);
      const err = optionsError(() => api.fit(net, data(), { ...base(), ...options } as api.FitConfig));
      expect(err.option).toBe(option);
      expect(err.message.startsWith(message), err.message).toBe(true);
      expect(Array.from(net.layers[0].weights)).toEqual(before); // untouched
    });
  }

  it('an Optimizer instance passes as it is, continuing with its state', () => {
    const net = fresh();
    const optimizer = api.createOptimizer(api.optimizerConfig('adam', 0.01), net.layers.flatMap((l) => [l.weights.length, l.bias.length]));
    const r = api.fit(net, data(), { ...base(), optimizer });
    expect(r.history).toHaveLength(5);
    expect(optimizer.getState().step).toBeGreaterThan(0);
  });
});
