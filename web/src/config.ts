/**
 * A playground run is fully described by its RunConfig: data set, noise, split, network, optimizer,
 * seed, and how many epochs have been trained. It round-trips through the URL hash, so a link
 * reproduces the run exactly (training is deterministic given the config).
 */
import type { ActivationName } from '../../src/math/activations.js';
import type { OptimizerName } from '../../src/math/optimizers.js';
import { paramKey, parseParamKey, type ParamRef } from './state.js';

export const DATASETS = ['promotion', 'circle', 'xor', 'spiral', 'linear'] as const;
export type DatasetName = (typeof DATASETS)[number];
export const HIDDEN_ACTIVATIONS: readonly ActivationName[] = ['sigmoid', 'tanh', 'relu', 'linear'];
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'momentum', 'adam'];

export interface RunConfig {
  dataset: DatasetName;
  /** Noise in percent, 0–50: label flips for promotion, jitter for the geometric sets. */
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
};

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
  return {
    dataset: oneOf(p.get('dataset'), DATASETS, d.dataset),
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
  if (selection?.param) p.set('param', paramKey(selection.param));
  if (selection && selection.point > 0) p.set('point', String(selection.point));
  return `#${p.toString().replace(/%2C/g, ',').replace(/%5B/g, '[').replace(/%5D/g, ']')}`;
}

/** True when two configs train the same run (epoch and speed aside). */
export function sameRun(a: RunConfig, b: RunConfig): boolean {
  return a.dataset === b.dataset && a.noise === b.noise && a.trainRatio === b.trainRatio && a.seed === b.seed
    && a.hidden.join(',') === b.hidden.join(',') && a.activation === b.activation && a.optimizer === b.optimizer
    && a.lr === b.lr && a.batchSize === b.batchSize;
}
