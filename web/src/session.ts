/**
 * One training run of the playground: the data, the network, a persistent optimizer and shuffle
 * generator, trained one epoch at a time with the library's `fit`. Deterministic: the same config
 * trained to the same epoch gives the same weights, however the epochs were batched into frames.
 * Pure (no DOM, no worker API) so it runs in the worker and in Node tests alike.
 */
import { createRng } from '../../src/math/rng.js';
import { createNetwork } from '../../src/math/init.js';
import { createWorkspace, forward, predict, type Network, type Workspace } from '../../src/math/network.js';
import { createOptimizer, optimizerConfig, type Optimizer } from '../../src/math/optimizers.js';
import { datasetLoss, fit, type Dataset } from '../../src/train/fit.js';
import { networkLayers } from '../../src/model/convert.js';
import type { ModelFile, ModelInput, ModelLayer } from '../../src/model/schema.js';
import type { RunConfig } from './config.js';
import { encodePoint, makeData, networkInputs, networkWidth, type PlaygroundData } from './datasets.js';
import { writeFeatures } from './features.js';
import type { UploadSpec } from './upload.js';
import { heads } from '../../src/math/heads.js';

export interface EpochLoss {
  epoch: number;
  /** Mean loss (the head's: BCE, cross-entropy, or MSE on the standardised target) over the training points after the epoch's updates. */
  train: number;
  test: number;
}

export interface Session {
  readonly config: RunConfig;
  readonly data: PlaygroundData;
  readonly net: Network;
  readonly epoch: number;
  readonly history: readonly EpochLoss[];
  /** Trains one more epoch; throws the library's DivergenceError when the loss blows up. */
  runEpoch(): EpochLoss;
  /** The network's outputs on a size×size grid over the axes, row 0 at the top (largest x2): one per cell, k per cell for k classes. */
  grid(size: number): Float64Array;
  /** Every hidden unit's activation on the same kind of grid: unit after unit, layer after layer. */
  unitGrids(size: number): Float64Array;
  layers(): ModelLayer[];
}

function toDataset(data: PlaygroundData, config: RunConfig, X: Float64Array, points: PlaygroundData['train']): Dataset {
  const m = outputUnits(data);
  const Y = new Float64Array(points.length * m);
  points.forEach((p, r) => Y.set(networkTarget(data, p.y), r * m));
  return { X: networkInputs(data, config.features, X), Y, n: points.length };
}

/** The output units of the data's head: one per class for multiclass, else one. */
export function outputUnits(data: PlaygroundData): number {
  return data.task === 'multiclass' ? data.target.classes!.length : 1;
}

/**
 * A point's target as the network learns it: the 0/1 label (binary), the one-hot row of its
 * class (multiclass), (y − mean)/std (regression), as `chainrule train` encodes each task's target.
 */
export function networkTarget(data: PlaygroundData, y: number): number[] {
  switch (data.task) {
    case 'multiclass':
      return data.target.classes!.map((_, k) => (k === y ? 1 : 0));
    case 'regression': {
      const { mean, std } = data.target;
      return [mean !== undefined && std !== undefined ? (y - mean) / std : y];
    }
    case 'binary':
      return [y];
    default: {
      const unknown: never = data.task;
      throw new RangeError(`unknown task "${String(unknown)}"`);
    }
  }
}

/** A network output in the target's units: regression outputs mapped back through mean/std; probabilities as they are. */
export function rawOutput(data: PlaygroundData, output: number): number {
  const { mean, std } = data.target;
  return data.task === 'regression' && mean !== undefined && std !== undefined ? output * std + mean : output;
}

/** The network's inputs at the centres of a size×size grid over the axes, row 0 at the top. */
function gridInputs(data: PlaygroundData, config: RunConfig, size: number): Float64Array {
  const width = config.features.length;
  const X = new Float64Array(size * size * width);
  if (!data.axes) return X;
  const [a1, a2] = data.axes;
  for (let gy = 0; gy < size; gy++) {
    const x2 = a2.max - ((gy + 0.5) / size) * (a2.max - a2.min);
    for (let gx = 0; gx < size; gx++) {
      const x1 = a1.min + ((gx + 0.5) / size) * (a1.max - a1.min);
      const [u1, u2] = encodePoint(data, x1, x2);
      writeFeatures(config.features, u1, u2, X, (gy * size + gx) * width);
    }
  }
  return X;
}

/** Seeds derived from the run's seed: data, init and shuffling draw from separate streams. */
const INIT_STREAM = 0x1f123bb5;
const SHUFFLE_STREAM = 0x2b7e1516;

/** Copies given weights (a served model's) into the new network; the shapes must match. */
function startFrom(net: Network, layers: ModelLayer[]): void {
  if (layers.length !== net.layers.length) throw new RangeError(`the model has ${layers.length} layers, the run ${net.layers.length}`);
  layers.forEach((layer, l) => {
    const target = net.layers[l];
    if (layer.weights.length !== target.units || layer.weights[0].length !== target.inputs) {
      throw new RangeError(`layers[${l}] is ${layer.weights.length}×${layer.weights[0].length} in the model, ${target.units}×${target.inputs} in the run`);
    }
    target.weights.set(layer.weights.flat());
    target.bias.set(layer.bias);
  });
}

export function createSession(config: RunConfig, upload?: UploadSpec, init?: { layers: ModelLayer[]; inputs: ModelInput[] }): Session {
  const data = makeData(config, upload, init?.inputs);
  const train = toDataset(data, config, data.trainX, data.train);
  const test = toDataset(data, config, data.testX, data.test);
  const head = heads[data.task];
  const net = createNetwork({
    inputs: networkWidth(data, config.features), hidden: config.hidden, activation: config.activation,
    outputs: outputUnits(data), outputActivation: head.activation, loss: head.defaultLoss,
  }, createRng((config.seed ^ INIT_STREAM) >>> 0));
  if (init) startFrom(net, init.layers);
  const shuffleRng = createRng((config.seed ^ SHUFFLE_STREAM) >>> 0);
  const optimizer: Optimizer = createOptimizer(optimizerConfig(config.optimizer, config.lr), net.layers.flatMap((l) => [l.weights.length, l.bias.length]));
  const ws = createWorkspace(net, Math.max(train.n, test.n, 1));
  const losses = (epoch: number): EpochLoss => ({ epoch, train: datasetLoss(net, train, ws), test: test.n ? datasetLoss(net, test, ws) : NaN });
  const history: EpochLoss[] = [losses(0)];
  let epoch = 0;
  let unitWs: Workspace | undefined;

  return {
    config,
    data,
    net,
    get epoch() { return epoch; },
    history,
    runEpoch() {
      fit(net, train, { epochs: 1, batchSize: Math.min(config.batchSize, train.n), optimizer, rng: shuffleRng, shuffle: true, ...(config.l2 > 0 ? { l2: config.l2 } : {}) });
      epoch++;
      const record = losses(epoch);
      history.push(record);
      return record;
    },
    grid(size) {
      return data.axes ? predict(net, gridInputs(data, config, size), size * size) : new Float64Array(0);
    },
    unitGrids(size) {
      const n = size * size;
      if (!unitWs || unitWs.capacity !== n) unitWs = createWorkspace(net, n);
      if (!data.axes) return new Float64Array(0);
      forward(net, gridInputs(data, config, size), n, unitWs);
      const hidden = net.layers.slice(0, -1);
      const out = new Float64Array(hidden.reduce((s, layer) => s + layer.units, 0) * n);
      let offset = 0;
      hidden.forEach((layer, l) => {
        const A = unitWs!.A[l];
        for (let j = 0; j < layer.units; j++, offset += n) {
          for (let k = 0; k < n; k++) out[offset + k] = A[k * layer.units + j];
        }
      });
      return out;
    },
    layers: () => networkLayers(net),
  };
}

/**
 * The run's network as a model file over the data's raw columns (standardised by the file's
 * encoders). It describes the network exactly when the inputs are the encoders' columns, that is
 * without feature crosses (plainFeatures).
 */
export function playgroundModel(data: PlaygroundData, layers: ModelLayer[]): ModelFile {
  const inputs = data.inputs.map((input) => ({ ...input }));
  const { name, positive, classes, mean, std } = data.target;
  if (data.task === 'multiclass') {
    return { format: 'chainrule/model', version: 2, task: 'multiclass', inputs, target: { name, classes: [...classes!] }, layers, loss: 'cross_entropy' };
  }
  if (data.task === 'regression') {
    return { format: 'chainrule/model', version: 2, task: 'regression', inputs, target: { name, ...(mean !== undefined ? { mean, std } : {}) }, layers, loss: 'mse' };
  }
  return { format: 'chainrule/model', version: 1, inputs, target: { name, positive: positive ?? '1' }, layers, loss: 'bce', threshold: 0.5 };
}
