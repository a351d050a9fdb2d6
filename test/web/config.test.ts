/** The playground's URL hash: a link must reproduce the run, and a bad link must not break the page. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, formatHash, parseHash, parseSelection, sameRun, type RunConfig } from '../../web/src/config.js';

const custom: RunConfig = {
  dataset: 'spiral', noise: 25, trainRatio: 60, seed: 7, hidden: [8, 4, 2], activation: 'tanh', optimizer: 'momentum',
  lr: 0.003, batchSize: 32, epoch: 1234, speed: 20, features: ['x1', 'x2'], l2: 0, showTest: true, discretize: false,
};

describe('URL hash', () => {
  it('round-trips a config and the selection', () => {
    const selection = { param: { layer: 1, unit: 3, input: 0 }, point: 17 };
    const hash = formatHash(custom, selection);
    expect(hash).toBe('#dataset=spiral&noise=25&train=60&seed=7&hidden=8,4,2&activation=tanh&optimizer=momentum&lr=0.003&batch=32&epoch=1234&speed=20&param=layers[1].weights[3][0]&point=17');
    expect(parseHash(hash)).toEqual(custom);
    expect(parseSelection(hash)).toEqual(selection);
  });

  it('round-trips no hidden layers and a bias selection', () => {
    const c = { ...custom, hidden: [] };
    const hash = formatHash(c, { param: { layer: 0, unit: 0 }, point: 0 });
    expect(parseHash(hash)).toEqual(c);
    expect(parseSelection(hash)).toEqual({ param: { layer: 0, unit: 0 }, point: 0 });
  });

  it('an empty hash is the default run: the notes 2-2-1 network on the promotion data', () => {
    expect(parseHash('')).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.hidden).toEqual([2]);
    expect(DEFAULT_CONFIG.dataset).toBe('promotion');
    expect(parseSelection('')).toEqual({ param: null, point: 0 });
  });

  it('falls back to the default for each bad field and clamps out-of-range numbers', () => {
    const c = parseHash('#dataset=moons&noise=99&train=5&seed=-3&hidden=2,x&activation=swish&optimizer=lbfgs&lr=abc&batch=0&epoch=1e3&speed=9999');
    expect(c).toEqual({ ...DEFAULT_CONFIG, noise: 50, trainRatio: 10, batchSize: 1, speed: 200 });
    expect(parseHash('#lr=50').lr).toBe(10);
    expect(parseHash('#hidden=9,9').hidden).toEqual([8, 8]);
    expect(parseHash('#hidden=1,1,1,1,1,1,1').hidden).toEqual(DEFAULT_CONFIG.hidden);
    expect(parseSelection('#param=layers[0].weights[x][0]&point=-1')).toEqual({ param: null, point: 0 });
  });

  it('round-trips feature crosses, L2 and the view toggles, in the feature table\'s order', () => {
    const c: RunConfig = { ...custom, features: ['x1', 'x2', 'x1x2', 'sin2'], l2: 0.003, showTest: false, discretize: true };
    const hash = formatHash(c);
    expect(hash).toContain('features=x1,x2,x1x2,sin2&l2=0.003&test=0&discrete=1');
    expect(parseHash(hash)).toEqual(c);
    expect(parseHash('#features=sin2,x1,bogus').features).toEqual(['x1', 'sin2']);
    expect(parseHash('#features=bogus').features).toEqual(DEFAULT_CONFIG.features);
  });

  it('sameRun ignores epoch, speed and the view toggles only', () => {
    expect(sameRun(custom, { ...custom, epoch: 0, speed: 1, showTest: false, discretize: true })).toBe(true);
    expect(sameRun(custom, { ...custom, features: ['x1', 'x2', 'x1sq'] })).toBe(false);
    expect(sameRun(custom, { ...custom, l2: 0.01 })).toBe(false);
    expect(sameRun(custom, { ...custom, hidden: [8, 4] })).toBe(false);
    expect(sameRun(custom, { ...custom, lr: 0.03 })).toBe(false);
  });
});
