/**
 * The playground's data sets, generated from the run's seed (same seed, same points). Promotion
 * uses the same generator as `chainrule gen-data --schema simple`; the geometric sets follow
 * TensorFlow Playground's shapes on [−6, 6]². Pure: no DOM, so the page and the worker can both
 * build the identical data from a config.
 */
import { createRng, shuffleInPlace, type Rng } from '../../src/math/rng.js';
import { generateSimple } from '../../src/data/generate.js';
import type { DatasetName, RunConfig } from './config.js';

export interface Point {
  x1: number;
  x2: number;
  y: 0 | 1;
}

export interface Axis {
  /** Column name, as the model file and /explain would call it. */
  name: string;
  min: number;
  max: number;
}

export interface PlaygroundData {
  name: DatasetName;
  axes: [Axis, Axis];
  train: Point[];
  test: Point[];
  /** Standardisation fitted on the training points, as `chainrule train` does. */
  mean: [number, number];
  std: [number, number];
}

export const POINTS = 400;
const R = 5;

const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.next();

function circle(rng: Rng, noise: number): Point[] {
  return Array.from({ length: POINTS }, (_, k): Point => {
    const inside = k % 2 === 0;
    const r = inside ? uniform(rng, 0, 0.5 * R) : uniform(rng, 0.7 * R, R);
    const t = uniform(rng, 0, 2 * Math.PI);
    return { x1: r * Math.cos(t) + uniform(rng, -R, R) * noise, x2: r * Math.sin(t) + uniform(rng, -R, R) * noise, y: inside ? 1 : 0 };
  });
}

function xor(rng: Rng, noise: number): Point[] {
  // Keep points off the axes, where the label flips, so that zero noise means separable.
  const away = (v: number) => v + (v > 0 ? 0.3 : -0.3);
  return Array.from({ length: POINTS }, (): Point => {
    const x1 = away(uniform(rng, -R, R));
    const x2 = away(uniform(rng, -R, R));
    return { x1: x1 + uniform(rng, -R, R) * noise, x2: x2 + uniform(rng, -R, R) * noise, y: x1 * x2 >= 0 ? 1 : 0 };
  });
}

function spiral(rng: Rng, noise: number): Point[] {
  const half = POINTS / 2;
  const arm = (delta: number, y: 0 | 1) => Array.from({ length: half }, (_, i): Point => {
    const r = (i / half) * R;
    const t = (1.75 * i / half) * 2 * Math.PI + delta;
    return { x1: r * Math.sin(t) + uniform(rng, -1, 1) * noise * 2, x2: r * Math.cos(t) + uniform(rng, -1, 1) * noise * 2, y };
  });
  return [...arm(0, 1), ...arm(Math.PI, 0)];
}

function linear(rng: Rng, noise: number): Point[] {
  const std = 0.6 + 4 * noise;
  return Array.from({ length: POINTS }, (_, k): Point => {
    const y = k % 2 === 0 ? 1 : 0;
    const c = y ? 2 : -2;
    return { x1: c + rng.normal() * std, x2: c + rng.normal() * std, y };
  });
}

function promotion(rng: Rng, noise: number): Point[] {
  return generateSimple(POINTS, rng, noise).rows.map((row) => ({ x1: row.years_experience, x2: row.performance_score, y: row.promoted }));
}

const GEOMETRIC: [Axis, Axis] = [{ name: 'x1', min: -6, max: 6 }, { name: 'x2', min: -6, max: 6 }];
const PROMOTION: [Axis, Axis] = [{ name: 'years_experience', min: 0, max: 20 }, { name: 'performance_score', min: 40, max: 100 }];

function meanStd(values: number[]): [number, number] {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return [mean, Math.sqrt(variance) || 1];
}

export function makeData(config: Pick<RunConfig, 'dataset' | 'noise' | 'trainRatio' | 'seed'>): PlaygroundData {
  const rng = createRng(config.seed);
  const noise = config.noise / 100;
  const generators: Record<DatasetName, (rng: Rng, noise: number) => Point[]> = { circle, xor, spiral, linear, promotion };
  const points = generators[config.dataset](rng, noise);
  const order = Array.from(points, (_, i) => i);
  shuffleInPlace(order, rng);
  const nTrain = Math.max(1, Math.min(points.length - 1, Math.round((points.length * config.trainRatio) / 100)));
  const train = order.slice(0, nTrain).map((i) => points[i]);
  const test = order.slice(nTrain).map((i) => points[i]);
  const [m1, s1] = meanStd(train.map((p) => p.x1));
  const [m2, s2] = meanStd(train.map((p) => p.x2));
  return { name: config.dataset, axes: config.dataset === 'promotion' ? PROMOTION : GEOMETRIC, train, test, mean: [m1, m2], std: [s1, s2] };
}

/** The standardised network input of a point. */
export function encodePoint(data: PlaygroundData, x1: number, x2: number): [number, number] {
  return [(x1 - data.mean[0]) / data.std[0], (x2 - data.mean[1]) / data.std[1]];
}
