/**
 * The playground offers every activation and optimizer of the library's tables: the menus list
 * leaky_relu and softplus, a link naming one round-trips through the URL hash, and a session with
 * it trains (the training loss falls on the circle data set) with the layer's activation recorded.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, formatHash, HIDDEN_ACTIVATIONS, OPTIMIZER_NAMES, parseHash } from '../../web/src/config.js';
import { createSession } from '../../web/src/session.js';

describe('playground menus from the spec tables', () => {
  it('list sigmoid, tanh, relu, linear, leaky_relu, softplus and sgd, momentum, adam', () => {
    expect(HIDDEN_ACTIVATIONS).toEqual(['sigmoid', 'tanh', 'relu', 'linear', 'leaky_relu', 'softplus']);
    expect(OPTIMIZER_NAMES).toEqual(['sgd', 'momentum', 'adam']);
  });

  for (const activation of ['leaky_relu', 'softplus'] as const) {
    it(`a link with activation=${activation} round-trips, and its session trains: the training loss falls over 30 epochs`, () => {
      const config = { ...DEFAULT_CONFIG, dataset: 'circle' as const, hidden: [6, 4], activation, optimizer: 'adam' as const, lr: 0.03, batchSize: 10 };
      const hash = formatHash(config);
      expect(hash).toContain(`activation=${activation}`);
      expect(parseHash(hash).activation).toBe(activation);
      const session = createSession(config);
      expect(session.layers().map((l) => l.activation)).toEqual([activation, activation, 'sigmoid']);
      for (let e = 0; e < 30; e++) session.runEpoch();
      const [first, last] = [session.history[0].train, session.history[session.history.length - 1].train];
      expect(Number.isFinite(last)).toBe(true);
      expect(last).toBeLessThan(0.8 * first);
    });
  }
});
