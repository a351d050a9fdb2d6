/**
 * The three models the ONNX tests export: the notes' 2-2-1 sigmoid network trained on the bundled
 * promotion-like data, a deep relu/tanh/linear network, and an HR-style model with categorical inputs
 * whose encoders are fitted here the way the data pipeline fits them. Each comes with 1,000 raw
 * records to score, drawn wider than the training ranges.
 */
import { createRng } from '../../src/math/rng.js';
import type { Rng } from '../../src/math/rng.js';
import { encodeRecords } from '../../src/model/encoding.js';
import { createNetwork } from '../../src/math/init.js';
import type { ActivationName } from '../../src/math/activations.js';
import { fit } from '../../src/train/fit.js';
import { optimizerConfig } from '../../src/math/optimizers.js';
import { networkLayers } from '../../src/model/convert.js';
import type { ModelFile, ModelInput } from '../../src/model/schema.js';
import { encodedWidth } from '../../src/model/schema.js';

export type RawRecord = Record<string, string | number | null>;

/** Mean and population std of the present values, as the data pipeline fits them. */
function standardizer(name: string, records: readonly RawRecord[]): ModelInput {
  const xs = records.map((r) => r[name]).filter((v) => v !== null && v !== '').map(Number);
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
  return { name, kind: 'numeric', mean, std };
}

/** Encodes the records with `inputs`, fits a fresh network with Adam and returns the model file. */
function trainOn(
  inputs: ModelInput[], records: readonly RawRecord[], labels: Float64Array, hidden: number[], activation: ActivationName, seed: number,
): ModelFile {
  const rng = createRng(seed);
  const { X, n } = encodeRecords(inputs, records);
  const net = createNetwork({ inputs: encodedWidth(inputs), hidden, activation }, rng);
  fit(net, { X, Y: labels, n }, { epochs: 40, batchSize: 32, optimizer: optimizerConfig('adam', 0.03), rng });
  return {
    format: 'chainrule/model', version: 1, inputs, target: { name: 'promoted', positive: '1' },
    layers: networkLayers(net), loss: 'bce', threshold: 0.5,
  };
}

const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.next();

/** The notes' 2-2-1 sigmoid network on promotion-like data (years, score), standardised inputs. */
export function promotionModel(): { model: ModelFile; records: RawRecord[] } {
  const rng = createRng(101);
  const draw = (lo: number) => ({
    years_experience: Math.round(uniform(rng, lo, 20) * 2) / 2, performance_score: Math.round(uniform(rng, 30, 100) * 10) / 10,
  });
  const train = Array.from({ length: 1000 }, () => draw(0));
  const labels = Float64Array.from(train, (r) => (0.2 * Number(r.years_experience) + 0.1 * (Number(r.performance_score) - 70) > 1 ? 1 : 0));
  const inputs = ['years_experience', 'performance_score'].map((name) => standardizer(name, train));
  const model = trainOn(inputs, train, labels, [2], 'sigmoid', 11);
  const records = Array.from({ length: 1000 }, () => ({
    years_experience: uniform(rng, -2, 25), performance_score: uniform(rng, 20, 110),
  }));
  return { model, records };
}

const DEEP_INPUTS = 6;
const DEEP_ACTIVATIONS: ActivationName[] = ['relu', 'tanh', 'linear', 'relu', 'tanh', 'sigmoid'];
const DEEP_WIDTHS = [16, 12, 8, 8, 6, 1];

/** A 6-16-12-8-8-6-1 network (relu, tanh, linear, relu, tanh, sigmoid) fitted briefly on a ring-shaped rule. */
export function deepModel(): { model: ModelFile; records: RawRecord[] } {
  const rng = createRng(202);
  const base = createNetwork({ inputs: DEEP_INPUTS, hidden: DEEP_WIDTHS.slice(0, -1), activation: 'relu' }, rng);
  const net = {
    loss: base.loss,
    layers: base.layers.map((layer, l) => ({
      ...layer, activation: DEEP_ACTIVATIONS[l], bias: Float64Array.from(layer.bias, () => 0.2 * rng.normal()),
    })),
  };
  const means = [10, -3, 0, 500, 0.5, 42];
  const stds = [2, 0.5, 1, 120, 0.1, 7];
  const n = 800;
  const X = new Float64Array(n * DEEP_INPUTS);
  const Y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let radius = 0;
    for (let c = 0; c < DEEP_INPUTS; c++) {
      const z = rng.normal();
      X[r * DEEP_INPUTS + c] = z;
      radius += z * z;
    }
    Y[r] = radius < DEEP_INPUTS ? 1 : 0;
  }
  fit(net, { X, Y, n }, { epochs: 15, batchSize: 32, optimizer: optimizerConfig('adam', 0.01), rng });
  const model: ModelFile = {
    format: 'chainrule/model', version: 1,
    inputs: means.map((mean, c) => ({ name: `x${c}`, kind: 'numeric' as const, mean, std: stds[c] })),
    target: { name: 'inside', positive: '1' },
    layers: networkLayers(net), loss: 'bce', threshold: 0.5,
  };
  const records = Array.from({ length: 1000 }, () =>
    Object.fromEntries(means.map((mean, c) => [`x${c}`, mean + 1.5 * stds[c] * rng.normal()])));
  return { model, records };
}

const DEPARTMENTS = ['Sales', 'HR', 'Engineering', 'Operations'];
const EDUCATION = ['Bachelor', 'Master', 'PhD'];

function hrRecord(rng: Rng, extra: boolean): RawRecord {
  const departments = extra ? [...DEPARTMENTS, 'Legal'] : DEPARTMENTS;
  const u = rng.next();
  return {
    years_experience: Math.round(uniform(rng, 0, 30) * 10) / 10,
    performance_score: Math.round(uniform(rng, 30, 100) * 10) / 10,
    salary: extra && u < 0.05 ? null : Math.round(uniform(rng, 30_000, 150_000)),
    department: u > 0.95 ? null : departments[rng.int(departments.length)],
    education: EDUCATION[rng.int(EDUCATION.length)],
  };
}

function hrLabel(rec: RawRecord, rng: Rng): number {
  const bonus = { Sales: 0.5, HR: -0.5, Engineering: 1, Operations: 0 }[String(rec.department)] ?? 0;
  const logit = 0.15 * Number(rec.years_experience) + 0.08 * (Number(rec.performance_score) - 65)
    + 0.00001 * (Number(rec.salary) - 90_000) + bonus + (rec.education === 'PhD' ? 0.7 : 0) - 2;
  return rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
}

/**
 * HR-style data: three numeric columns (one in the tens of thousands) and two categorical ones,
 * with missing departments in training (so "(missing)" is a level). Scored on records that also
 * have an unseen department ("Legal", encoded as all zeros) and missing salaries (the mean).
 */
export function hrModel(): { model: ModelFile; records: RawRecord[] } {
  const rng = createRng(303);
  const train = Array.from({ length: 1500 }, () => hrRecord(rng, false));
  const labels = Float64Array.from(train, (r) => hrLabel(r, rng));
  const levels = (name: string) => [...new Set(train.map((r) => (r[name] === null ? '(missing)' : String(r[name]))))].sort();
  const inputs: ModelInput[] = [
    standardizer('years_experience', train), standardizer('performance_score', train), standardizer('salary', train),
    { name: 'department', kind: 'categorical', categories: levels('department') },
    { name: 'education', kind: 'categorical', categories: levels('education') },
  ];
  const model = trainOn(inputs, train, labels, [8, 4], 'tanh', 33);
  const records = Array.from({ length: 1000 }, () => hrRecord(rng, true));
  return { model, records };
}
