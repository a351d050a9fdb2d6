/**
 * A playground run is fully described by its RunConfig: data set, noise, split, network, optimizer,
 * seed, and how many epochs have been trained. It round-trips through the URL hash, so a link
 * reproduces the run exactly (training is deterministic given the config).
 */
import { ACTIVATIONS, type ActivationName } from '../../src/math/activations.js';
import { OPTIMIZERS, type OptimizerName } from '../../src/math/optimizers.js';
import { paramKey, parseParamKey, type ParamRef } from './state.js';
import { DEFAULT_FEATURES, FEATURE_NAMES, isFeatureName, type FeatureName } from './features.js';

/** The generated data sets; "upload" is a CSV the user gave, which a link cannot carry. */
export const DATASETS = ['promotion', 'circle', 'xor', 'spiral', 'linear', 'level', 'salary'] as const;
export type DatasetName = (typeof DATASETS)[number] | 'upload';
/** Every activation the library's table knows (src/math/activations.ts), so a new one appears here by itself. */
export const HIDDEN_ACTIVATIONS: readonly ActivationName[] = ACTIVATIONS;
/** Every optimizer the library's table knows (src/math/optimizers.ts). */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = OPTIMIZERS;

export interface RunConfig {
  dataset: DatasetName;
  /** Noise in percent, 0–50: label flips for promotion, replaced levels for level, σ = 1,200·noise for salary, jitter for the geometric sets. */
  noise: number;
  /** Share of points used for training, in percent (10–90); the rest is the test set. */
  trainRatio: number;
  seed: number;
  /** Hidden-layer widths; [2] is the notes' 2-2-1 network. */
  hidden: number[];
  activation: ActivationName;
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  /** Epochs trained so far; a link with epoch E replays training up to E. */
  epoch: number;
  /** Epochs per animation frame while playing; changes speed, never results. */
  speed: number;
  /** The network's inputs on a 2-D data set: x1, x2 and their crosses (features.ts). */
  features: FeatureName[];
  /** L2 weight decay λ (fit's l2: λ·W added to each weight gradient). */
  l2: number;
  /** View only: draw the test points on the map; show ŷ as two colours (ŷ > 0.5 or not). */
  showTest: boolean;
  discretize: boolean;
}

export const DEFAULT_CONFIG: RunConfig = {
  dataset: 'promotion',
  noise: 5,
  trainRatio: 70,
  seed: 42,
  hidden: [2],
  activation: 'sigmoid',
  optimizer: 'adam',
  lr: 0.03,
  batchSize: 10,
  epoch: 0,
  speed: 5,
  features: [...DEFAULT_FEATURES],
  l2: 0,
  showTest: true,
  discretize: false,
};

export const L2_CHOICES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1] as const;

export const LIMITS = {
  noise: [0, 50],
  trainRatio: [10, 90],
  seed: [0, 2 ** 31 - 1],
  layers: [0, 6],
  units: [1, 8],
  lr: [1e-5, 10],
  batchSize: [1, 1000],
  epoch: [0, 1_000_000],
  speed: [1, 200],
  l2: [0, 10],
} as const;

const clamp = (x: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, x));

function intParam(value: string | null, limits: readonly [number, number], fallback: number): number {
  if (value === null || !/^\d+$/.test(value)) return fallback;
  return clamp(Number(value), limits);
}

function numberParam(value: string | null, limits: readonly [number, number], fallback: number): number {
  const x = value === null ? NaN : Number(value);
  return Number.isFinite(x) && value !== '' ? clamp(x, limits) : fallback;
}

function oneOf<T extends string>(value: string | null, options: readonly T[], fallback: T): T {
  return value !== null && (options as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** `#dataset=circle&hidden=4,2&…` → a config; anything missing or invalid takes its default. */
export function parseHash(hash: string): RunConfig {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const d = DEFAULT_CONFIG;
  const hiddenText = p.get('hidden');
  let hidden = d.hidden;
  if (hiddenText !== null) {
    const parts = hiddenText === '' ? [] : hiddenText.split(',');
    if (parts.length <= LIMITS.layers[1] && parts.every((s) => /^\d+$/.test(s))) hidden = parts.map((s) => clamp(Number(s), LIMITS.units));
  }
  const featureText = p.get('features');
  const features = featureText === null ? d.features : [...new Set(featureText.split(',').filter(isFeatureName))];
  return {
    dataset: oneOf(p.get('dataset'), DATASETS, d.dataset as (typeof DATASETS)[number]),
    noise: intParam(p.get('noise'), LIMITS.noise, d.noise),
    trainRatio: intParam(p.get('train'), LIMITS.trainRatio, d.trainRatio),
    seed: intParam(p.get('seed'), LIMITS.seed, d.seed),
    hidden,
    activation: oneOf(p.get('activation'), HIDDEN_ACTIVATIONS, d.activation),
    optimizer: oneOf(p.get('optimizer'), OPTIMIZER_NAMES, d.optimizer),
    lr: numberParam(p.get('lr'), LIMITS.lr, d.lr),
    batchSize: intParam(p.get('batch'), LIMITS.batchSize, d.batchSize),
    epoch: intParam(p.get('epoch'), LIMITS.epoch, d.epoch),
    speed: intParam(p.get('speed'), LIMITS.speed, d.speed),
    // Kept in the table's order, so a link names one run however its features were ticked.
    features: features.length ? FEATURE_NAMES.filter((f) => features.includes(f)) : d.features,
    l2: numberParam(p.get('l2'), LIMITS.l2, d.l2),
    showTest: p.get('test') !== '0',
    discretize: p.get('discrete') === '1',
  };
}

/** The selection part of the hash: `param=layers[0].weights[1][0]&point=12`. */
export function parseSelection(hash: string): { param: ParamRef | null; point: number } {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  return { param: parseParamKey(p.get('param') ?? ''), point: intParam(p.get('point'), [0, 100_000], 0) };
}

export function formatHash(c: RunConfig, selection?: { param: ParamRef | null; point: number }): string {
  const p = new URLSearchParams({
    dataset: c.dataset,
    noise: String(c.noise),
    train: String(c.trainRatio),
    seed: String(c.seed),
    hidden: c.hidden.join(','),
    activation: c.activation,
    optimizer: c.optimizer,
    lr: String(c.lr),
    batch: String(c.batchSize),
    epoch: String(c.epoch),
    speed: String(c.speed),
  });
  // Written only when they differ from the defaults, so older links and the short default link stay as they were.
  if (c.features.join(',') !== DEFAULT_CONFIG.features.join(',')) p.set('features', c.features.join(','));
  if (c.l2 !== 0) p.set('l2', String(c.l2));
  if (!c.showTest) p.set('test', '0');
  if (c.discretize) p.set('discrete', '1');
  if (selection?.param) p.set('param', paramKey(selection.param));
  if (selection && selection.point > 0) p.set('point', String(selection.point));
  return `#${p.toString().replace(/%2C/g, ',').replace(/%5B/g, '[').replace(/%5D/g, ']')}`;
}

/** True when two configs train the same run (epoch, speed and the view toggles aside). */
export function sameRun(a: RunConfig, b: RunConfig): boolean {
  return a.dataset === b.dataset && a.noise === b.noise && a.trainRatio === b.trainRatio && a.seed === b.seed
    && a.hidden.join(',') === b.hidden.join(',') && a.activation === b.activation && a.optimizer === b.optimizer
    && a.lr === b.lr && a.batchSize === b.batchSize && a.features.join(',') === b.features.join(',') && a.l2 === b.l2;
}
