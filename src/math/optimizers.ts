/**
 * Optimizers as one table of records (the update as a formula, the state's shape, the defaults),
 * and the updates themselves, which step parameter buffers in place from gradient buffers of the
 * same shapes:
 *   sgd       θ ← θ − η·g
 *   momentum  v ← μ·v + g;  θ ← θ − η·v                      (PyTorch's form)
 *   adam      m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
 *             θ ← θ − η·m̂/(√v̂ + ε),  m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)   (Kingma & Ba)
 * Their state (moments, step count) is plain numbers so that a checkpoint can store it.
 */
export type OptimizerName = 'sgd' | 'momentum' | 'adam';

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

/** The hyperparameters of optimizer N besides the learning rate. */
export type OptimizerDefaults<N extends OptimizerName> = Omit<Extract<OptimizerConfig, { name: N }>, 'name' | 'lr'>;

export interface OptimizerSpec<N extends OptimizerName = OptimizerName> {
  readonly name: N;
  /** The state's shape: this many moment buffers, each shaped like the parameters. */
  readonly moments: 0 | 1 | 2;
  /** The usual defaults, in the order a model file records them. */
  readonly defaults: OptimizerDefaults<N>;
  /** The update as a formula in g = ∂L/∂θ. */
  readonly formula: string;
  /** One line for the CLI's help. */
  readonly help: string;
}

export const optimizers: { readonly [N in OptimizerName]: OptimizerSpec<N> } = {
  sgd: { name: 'sgd', moments: 0, defaults: {}, formula: 'θ ← θ − η·g', help: 'sgd (θ ← θ − η·g)' },
  momentum: {
    name: 'momentum', moments: 1, defaults: { momentum: 0.9 }, formula: 'v ← μ·v + g;  θ ← θ − η·v',
    help: 'momentum (μ = 0.9)',
  },
  adam: {
    name: 'adam', moments: 2, defaults: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    formula: 'm ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η·m̂/(√v̂ + ε)',
    help: 'adam (β₁ 0.9, β₂ 0.999, ε 1e-8)',
  },
};

/** Every optimizer name, in the table's order. */
export const OPTIMIZERS = Object.keys(optimizers) as readonly OptimizerName[];

export function isOptimizerName(name: string): name is OptimizerName {
  return Object.prototype.hasOwnProperty.call(optimizers, name);
}

/** The optimizer's config with the table's defaults: momentum 0.9; Adam β₁ 0.9, β₂ 0.999, ε 1e-8. */
export function optimizerConfig(name: OptimizerName, lr: number): OptimizerConfig {
  return { name, lr, ...optimizers[name].defaults } as OptimizerConfig;
}

export function createOptimizer(config: OptimizerConfig, shapes: readonly number[]): Optimizer {
  const zeros = () => shapes.map((len) => new Float64Array(len));
  const moments: Float64Array[][] = Array.from({ length: optimizers[config.name].moments }, zeros);
  let t = 0;

  const step = (params: Float64Array[], grads: Float64Array[]): void => {
    t++;
    const lr = config.lr;
    for (let b = 0; b < params.length; b++) {
      const p = params[b];
      const g = grads[b];
      const len = p.length;
      switch (config.name) {
        case 'sgd':
          for (let i = 0; i < len; i++) p[i] -= lr * g[i];
          break;
        case 'momentum': {
          const v = moments[0][b];
          const mu = config.momentum;
          for (let i = 0; i < len; i++) {
            v[i] = mu * v[i] + g[i];
            p[i] -= lr * v[i];
          }
          break;
        }
        case 'adam': {
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
          break;
        }
        default: {
          const unknown: never = config;
          throw new RangeError(`unknown optimizer ${JSON.stringify(unknown)}`);
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
