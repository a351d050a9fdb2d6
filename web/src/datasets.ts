/**
 * The playground's data sets, generated from the run's seed (same seed, same points). Promotion
 * uses the same generator as `chainrule gen-data --schema simple`, level (three classes) and
 * salary (regression) those of `--schema level` and `--schema salary`; the geometric sets follow
 * TensorFlow Playground's shapes on [−6, 6]². Pure: no DOM, so the page and the worker can both
 * build the identical data from a config.
 */
import { createRng, shuffleInPlace, type Rng } from '../../src/math/rng.js';
import { generateSimple } from '../../src/data/generate.js';
import { generateLevel, LEVELS } from '../../src/data/generate-level.js';
import { generateSalary, SALARY_TRUTH } from '../../src/data/generate-salary.js';
import type { TaskName } from '../../src/math/heads.js';
import type { ModelInput } from '../../src/model/schema.js';
import type { DatasetName, RunConfig } from './config.js';
import { plainFeatures, writeFeatures, type FeatureName } from './features.js';
import { prepareUpload, type UploadSpec } from './upload.js';

export interface Point {
  /** The two map coordinates in raw units (NaN for an uploaded table without a 2-D map). */
  x1: number;
  x2: number;
  /** The target: 0/1 (binary), the class index in `classes` (multiclass), the raw value (regression). */
  y: number;
  /** An uploaded row as the file has it, and its file row (header = row 1). */
  record?: Record<string, string>;
  row?: number;
}

export interface Axis {
  /** Column name, as the model file and /explain would call it. */
  name: string;
  min: number;
  max: number;
}

export interface PlaygroundData {
  name: DatasetName;
  /** The uploaded file's name (dataset "upload"). */
  file?: string;
  /** The 2-D map's axes; null for an uploaded table that is not two numeric inputs. */
  axes: [Axis, Axis] | null;
  train: Point[];
  test: Point[];
  /** Standardisation of the two map coordinates, fitted on the training points as `chainrule train` does. */
  mean: [number, number];
  std: [number, number];
  /** The model file's inputs (encoders) and target for this data. */
  inputs: ModelInput[];
  /** What the network learns: the output head (src/math/heads.ts) follows it. */
  task: TaskName;
  /**
   * The target as the model file records it: `positive` for binary, `classes` (in output order)
   * for multiclass, the training mean/std of the values for regression (the network learns
   * (y − mean)/std, as `chainrule train` standardises a regression target).
   */
  target: { name: string; positive?: string; classes?: string[]; mean?: number; std?: number };
  /** Encoded rows (the encoders' columns, before any feature cross), train and test. */
  trainX: Float64Array;
  testX: Float64Array;
  width: number;
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

/** Promotion level none/senior/lead; the noise slider is the share of levels replaced. */
function level(rng: Rng, noise: number): Point[] {
  return generateLevel(POINTS, rng, noise).rows.map((row) => ({ x1: row.years_experience, x2: row.performance_score, y: LEVELS.indexOf(row.level) }));
}

/** The salary data's one department the map shows (the generator's others only shift the base). */
export const SALARY_DEPARTMENT = 'Engineering';

/**
 * Salaries of one department, so the map's two inputs are all the model sees; the noise slider
 * sets σ (the generator's default σ = 6,000 at the default 5%). Rows of other departments are
 * drawn and dropped, so the points are the generator's own.
 */
function salary(rng: Rng, noise: number): Point[] {
  const sigma = (SALARY_TRUTH.sigma / 0.05) * noise;
  const out: Point[] = [];
  while (out.length < POINTS) {
    for (const row of generateSalary(POINTS, rng, sigma).rows) {
      if (row.department === SALARY_DEPARTMENT && out.length < POINTS) out.push({ x1: row.years_experience, x2: row.performance_score, y: row.salary });
    }
  }
  return out;
}

/** The task of a generated data set. */
export function datasetTask(name: DatasetName): TaskName {
  return name === 'level' ? 'multiclass' : name === 'salary' ? 'regression' : 'binary';
}

const GEOMETRIC: [Axis, Axis] = [{ name: 'x1', min: -6, max: 6 }, { name: 'x2', min: -6, max: 6 }];
const PROMOTION: [Axis, Axis] = [{ name: 'years_experience', min: 0, max: 20 }, { name: 'performance_score', min: 40, max: 100 }];

function meanStd(values: number[]): [number, number] {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return [mean, Math.sqrt(variance) || 1];
}

function generated(config: Pick<RunConfig, 'dataset' | 'noise' | 'trainRatio' | 'seed'>, encoders?: ModelInput[]): PlaygroundData {
  const rng = createRng(config.seed);
  const noise = config.noise / 100;
  const generators: Record<Exclude<DatasetName, 'upload'>, (rng: Rng, noise: number) => Point[]> = { circle, xor, spiral, linear, promotion, level, salary };
  const name = config.dataset === 'upload' ? 'promotion' : config.dataset;
  const points = generators[name](rng, noise);
  const order = Array.from(points, (_, i) => i);
  shuffleInPlace(order, rng);
  const nTrain = Math.max(1, Math.min(points.length - 1, Math.round((points.length * config.trainRatio) / 100)));
  const train = order.slice(0, nTrain).map((i) => points[i]);
  const test = order.slice(nTrain).map((i) => points[i]);
  let [m1, s1] = meanStd(train.map((p) => p.x1));
  let [m2, s2] = meanStd(train.map((p) => p.x2));
  const axes = name === 'promotion' || name === 'level' || name === 'salary' ? PROMOTION : GEOMETRIC;
  // A served model brings its own encoders: its weights only mean something with them.
  const [e1, e2] = encoders ?? [];
  if (e1?.kind === 'numeric' && e2?.kind === 'numeric' && e1.mean !== undefined && e2.mean !== undefined) {
    [m1, s1, m2, s2] = [e1.mean, e1.std!, e2.mean, e2.std!];
  }
  const data: PlaygroundData = {
    name, axes, train, test, mean: [m1, m2], std: [s1, s2],
    inputs: axes.map((axis, k) => ({ name: axis.name, kind: 'numeric' as const, mean: [m1, m2][k], std: [s1, s2][k] })),
    task: datasetTask(name),
    target: generatedTarget(name, train),
    trainX: new Float64Array(0), testX: new Float64Array(0), width: 2,
  };
  data.trainX = encodePoints(data, train);
  data.testX = encodePoints(data, test);
  return data;
}

function generatedTarget(name: Exclude<DatasetName, 'upload'>, train: readonly Point[]): PlaygroundData['target'] {
  if (name === 'level') return { name: 'level', classes: [...LEVELS] };
  if (name === 'salary') {
    const [mean, std] = meanStd(train.map((p) => p.y));
    return { name: 'salary', mean, std };
  }
  return { name: name === 'promotion' ? 'promoted' : 'label', positive: '1' };
}

function encodePoints(data: PlaygroundData, points: readonly Point[]): Float64Array {
  const X = new Float64Array(points.length * 2);
  points.forEach((p, r) => X.set(encodePoint(data, p.x1, p.x2), r * 2));
  return X;
}

/** An uploaded CSV as a data set: the seeded split, the encoders `chainrule train` fits, the map when it has two numeric inputs. */
function uploaded(config: Pick<RunConfig, 'trainRatio' | 'seed'>, spec: UploadSpec): PlaygroundData {
  const t = prepareUpload(spec, (n) => {
    const order = Array.from({ length: n }, (_, i) => i);
    shuffleInPlace(order, createRng(config.seed));
    return order;
  }, config.trainRatio / 100);
  const numeric = t.inputs.length === 2 && t.inputs.every((i) => i.kind === 'numeric' && i.mean !== undefined);
  const width = t.X.length / t.Y.length;
  const raw = (r: number, k: number) => (numeric ? Number(t.rows[r][t.inputs[k].name]) : NaN);
  const point = (r: number): Point => ({ x1: raw(r, 0), x2: raw(r, 1), y: t.Y[r] === 1 ? 1 : 0, record: t.rows[r], row: t.fileRow[r] });
  const pick = (rows: number[]) => {
    const X = new Float64Array(rows.length * width);
    rows.forEach((r, k) => X.set(t.X.subarray(r * width, (r + 1) * width), k * width));
    return X;
  };
  let axes: [Axis, Axis] | null = null;
  let mean: [number, number] = [0, 0];
  let std: [number, number] = [1, 1];
  if (numeric) {
    const [a, b] = t.inputs as { name: string; mean: number; std: number; min?: number; max?: number }[];
    const axis = (i: typeof a, k: number): Axis => {
      const values = t.rows.map((row) => Number(row[i.name])).filter(Number.isFinite);
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      const pad = (hi - lo) * 0.05 || 1;
      return { name: t.inputs[k].name, min: lo - pad, max: hi + pad };
    };
    axes = [axis(a, 0), axis(b, 1)];
    mean = [a.mean, b.mean];
    std = [a.std, b.std];
  }
  return {
    name: 'upload', file: spec.file, axes, train: t.trainRows.map(point), test: t.testRows.map(point), mean, std,
    inputs: t.inputs, task: 'binary', target: t.target, trainX: pick(t.trainRows), testX: pick(t.testRows), width,
  };
}

export function makeData(config: Pick<RunConfig, 'dataset' | 'noise' | 'trainRatio' | 'seed'>, upload?: UploadSpec, encoders?: ModelInput[]): PlaygroundData {
  return config.dataset === 'upload' && upload ? uploaded(config, upload) : generated(config, encoders);
}

/** The standardised network input of a point. */
export function encodePoint(data: PlaygroundData, x1: number, x2: number): [number, number] {
  return [(x1 - data.mean[0]) / data.std[0], (x2 - data.mean[1]) / data.std[1]];
}

/** How many inputs the network has: the feature crosses on a map, else the encoders' columns. */
export function networkWidth(data: PlaygroundData, features: readonly FeatureName[]): number {
  return data.axes ? features.length : data.width;
}

/** The network's inputs for the given encoded rows: the crosses of each row on a map, else the rows as they are. */
export function networkInputs(data: PlaygroundData, features: readonly FeatureName[], X: Float64Array): Float64Array {
  if (!data.axes || plainFeatures(features)) return X;
  const n = X.length / data.width;
  const out = new Float64Array(n * features.length);
  for (let r = 0; r < n; r++) writeFeatures(features, X[r * 2], X[r * 2 + 1], out, r * features.length);
  return out;
}

/** The network input row of training point i. */
export function trainRow(data: PlaygroundData, features: readonly FeatureName[], i: number): number[] {
  return Array.from(networkInputs(data, features, data.trainX.subarray(i * data.width, (i + 1) * data.width)));
}
