/**
 * Optimizers update parameter buffers in place from gradient buffers of the same shapes:
 *   sgd       θ ← θ − η·g
 *   momentum  v ← μ·v + g;  θ ← θ − η·v                      (PyTorch's form)
 *   adam      m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
 *             θ ← θ − η·m̂/(√v̂ + ε),  m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)   (Kingma & Ba)
 * Their state (moments, step count) is plain numbers so that a checkpoint can store it.
 */
export type OptimizerName = 'sgd' | 'momentum' | 'adam';
export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'adam'];

export type OptimizerConfig =
  | { name: 'sgd'; lr: number }
  | { name: 'momentum'; lr: number; momentum: number }
  | { name: 'adam'; lr: number; beta1: number; beta2: number; epsilon: number };

export interface OptimizerState {
  step: number;
  /** One list of buffers per moment (momentum: [v]; adam: [m, v]), each as plain arrays. */
  moments: number[][][];
}

export interface Optimizer {
  readonly config: OptimizerConfig;
  step(params: Float64Array[], grads: Float64Array[]): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
}

/** Fills in the usual defaults: momentum 0.9; Adam β₁ 0.9, β₂ 0.999, ε 1e-8. */
export function optimizerConfig(name: OptimizerName, lr: number): OptimizerConfig {
  switch (name) {
    case 'sgd':
      return { name, lr };
    case 'momentum':
      return { name, lr, momentum: 0.9 };
    case 'adam':
      return { name, lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
  }
}

export function createOptimizer(config: OptimizerConfig, shapes: readonly number[]): Optimizer {
  const zeros = () => shapes.map((len) => new Float64Array(len));
  const moments: Float64Array[][] = config.name === 'sgd' ? [] : config.name === 'momentum' ? [zeros()] : [zeros(), zeros()];
  let t = 0;

  const step = (params: Float64Array[], grads: Float64Array[]): void => {
    t++;
    const lr = config.lr;
    for (let b = 0; b < params.length; b++) {
      const p = params[b];
      const g = grads[b];
      const len = p.length;
      if (config.name === 'sgd') {
        for (let i = 0; i < len; i++) p[i] -= lr * g[i];
      } else if (config.name === 'momentum') {
        const v = moments[0][b];
        const mu = config.momentum;
        for (let i = 0; i < len; i++) {
          v[i] = mu * v[i] + g[i];
          p[i] -= lr * v[i];
        }
      } else {
        const m = moments[0][b];
        const v = moments[1][b];
        const { beta1, beta2, epsilon } = config;
        const c1 = 1 - Math.pow(beta1, t);
        const c2 = 1 - Math.pow(beta2, t);
        for (let i = 0; i < len; i++) {
          const gi = g[i];
          m[i] = beta1 * m[i] + (1 - beta1) * gi;
          v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
          p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + epsilon);
        }
      }
    }
  };

  return {
    config,
    step,
    getState: () => ({ step: t, moments: moments.map((bufs) => bufs.map((buf) => Array.from(buf))) }),
    setState(state) {
      if (state.moments.length !== moments.length) {
        throw new RangeError(`optimizer state has ${state.moments.length} moments, "${config.name}" needs ${moments.length}`);
      }
      t = state.step;
      state.moments.forEach((bufs, k) => bufs.forEach((buf, b) => moments[k][b].set(buf)));
    },
  };
}

/**
 * L2 weight decay: g ← g + λ·w for every weight gradient (biases are not decayed), i.e. the
 * gradient of the penalty λ/2·Σw². Runs before the optimizer step.
 */
export function addWeightDecay(weights: readonly Float64Array[], gradients: readonly Float64Array[], l2: number): void {
  for (let l = 0; l < weights.length; l++) {
    const w = weights[l];
    const g = gradients[l];
    for (let i = 0; i < w.length; i++) g[i] += l2 * w[i];
  }
}
