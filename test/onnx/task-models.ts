/**
 * The multiclass and regression models the ONNX task tests export, fitted here on the bundled
 * generators (src/data/generate-level.ts, generate-salary.ts) the way the data pipeline fits them:
 * a 2-8-3 relu network with a softmax head on the promotion level, and a 2+4-8-1 tanh network
 * with a linear head on the salary, its target standardised. Each comes with 1,000 raw records
 * to score, drawn wider than the training ranges.
 */
import { createRng } from '../../src/math/rng.js';
import type { Rng } from '../../src/math/rng.js';
import { createNetwork } from '../../src/math/init.js';
import { fit } from '../../src/train/fit.js';
import { optimizerConfig } from '../../src/math/optimizers.js';
import { encodeRecords } from '../../src/model/encoding.js';
import { networkLayers } from '../../src/model/convert.js';
import type { ModelInput, MulticlassModel, RegressionModel } from '../../src/model/schema.js';
import { encodedWidth } from '../../src/model/schema.js';
import { generateLevel, LEVELS } from '../../src/data/generate-level.js';
import { generateSalary, SALARY_DEPARTMENTS } from '../../src/data/generate-salary.js';
import type { RawRecord } from './models.js';

function standardizer(name: string, records: readonly RawRecord[]): ModelInput {
  const xs = records.map((r) => Number(r[name]));
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
  return { name, kind: 'numeric', mean, std };
}

const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.next();

/** A softmax head of three classes (none, senior, lead) over relu units, trained with cross-entropy. */
export function levelModel(): { model: MulticlassModel; records: RawRecord[] } {
  const rng = createRng(404);
  const train: RawRecord[] = generateLevel(800, rng).rows.map((r) => ({ ...r }));
  const inputs = ['years_experience', 'performance_score'].map((name) => standardizer(name, train));
  const { X, n } = encodeRecords(inputs, train);
  const Y = new Float64Array(n * LEVELS.length);
  train.forEach((r, i) => { Y[i * LEVELS.length + LEVELS.indexOf(r.level as (typeof LEVELS)[number])] = 1; });
  const net = createNetwork({
    inputs: encodedWidth(inputs), hidden: [8], activation: 'relu', outputs: LEVELS.length, outputActivation: 'softmax', loss: 'cross_entropy',
  }, rng);
  fit(net, { X, Y, n }, { epochs: 40, batchSize: 32, optimizer: optimizerConfig('adam', 0.03), rng });
  const model: MulticlassModel = {
    format: 'chainrule/model', version: 2, task: 'multiclass', inputs,
    target: { name: 'level', classes: [...LEVELS] }, layers: networkLayers(net), loss: 'cross_entropy',
  };
  const records = Array.from({ length: 1000 }, () => ({ years_experience: uniform(rng, -2, 24), performance_score: uniform(rng, 30, 105) }));
  return { model, records };
}

/**
 * A linear head on the salary (raw units in the tens of thousands), the target standardised as
 * train does (`target.mean`/`std`), or used raw when `raw` (then the salary is in thousands, so
 * the network's raw output stays near 1–100).
 */
export function salaryModel(raw = false): { model: RegressionModel; records: RawRecord[] } {
  const rng = createRng(raw ? 506 : 505);
  const train: RawRecord[] = generateSalary(800, rng).rows.map((r) => ({ ...r, salary: raw ? r.salary / 1000 : r.salary }));
  const departments = SALARY_DEPARTMENTS.map(([name]) => name);
  const inputs: ModelInput[] = [
    standardizer('years_experience', train), standardizer('performance_score', train),
    { name: 'department', kind: 'categorical', categories: departments },
  ];
  const { X, n } = encodeRecords(inputs, train);
  const ys = train.map((r) => Number(r.salary));
  const mean = ys.reduce((a, y) => a + y, 0) / n;
  const std = Math.sqrt(ys.reduce((a, y) => a + (y - mean) ** 2, 0) / n);
  const Y = Float64Array.from(ys, (y) => (raw ? y : (y - mean) / std));
  const net = createNetwork({
    inputs: encodedWidth(inputs), hidden: [8], activation: 'tanh', outputActivation: 'linear', loss: 'mse',
  }, rng);
  fit(net, { X, Y, n }, { epochs: 40, batchSize: 32, optimizer: optimizerConfig('adam', raw ? 0.05 : 0.02), rng });
  const model: RegressionModel = {
    format: 'chainrule/model', version: 2, task: 'regression', inputs,
    target: raw ? { name: 'salary' } : { name: 'salary', mean, std }, layers: networkLayers(net), loss: 'mse',
  };
  const records = Array.from({ length: 1000 }, () => ({
    years_experience: uniform(rng, -2, 24), performance_score: uniform(rng, 30, 105), department: departments[rng.int(departments.length)],
  }));
  return { model, records };
}
