/**
 * The selected training point's attributions for the factors panel: exact Shapley values per
 * network input against a seeded sample of up to 50 training rows, and integrated gradients from
 * that sample's mean row with their conductance through the first hidden layer (a1, a2, …). Pure:
 * the numbers are the library's (src/explain/attributions), this module only chooses the inputs.
 */
import { shapleyValues } from '../../src/explain/attributions/shapley.js';
import { integratedGradients } from '../../src/explain/attributions/integrated-gradients.js';
import type { InputGroup, OutputHead } from '../../src/explain/attributions/types.js';
import { createRng, shuffleInPlace } from '../../src/math/rng.js';
import { modelToNetwork } from '../../src/model/convert.js';
import { predict, type Network } from '../../src/math/network.js';
import type { ModelLayer } from '../../src/model/schema.js';
import { networkInputs, type PlaygroundData } from './datasets.js';
import { FEATURES, type FeatureName } from './features.js';
import { playgroundModel } from './session.js';

/** At most this many training rows form the background. */
export const BACKGROUND_ROWS = 50;
/** The background sample's seed (fixed, so the bars move only when the weights or the point do). */
export const BACKGROUND_SEED = 15;

export interface PointAttributions {
  point: number;
  /** What the bars explain: "P(positive)", a class's probability, or the standardised value. */
  output: string;
  /** One label per network input (a feature cross is its own input; a categorical input is one). */
  inputs: string[];
  base: number;
  prediction: number;
  shapley: number[];
  shapleyGap: number;
  /** Every coalition enumerated (up to 12 inputs); beyond, the library's seeded permutation estimate. */
  exact: boolean;
  backgroundRows: number;
  /** Integrated gradients from the background's mean row. */
  igBase: number;
  ig: number[];
  igGap: number;
  /** First hidden layer's unit names (a1, a2, …); empty without a hidden layer. */
  hidden: string[];
  /** conductance[i][h]: input i's IG that flows through hidden unit h. */
  conductance: number[][];
}

/** The network's inputs as column groups: each feature on a map, else the encoders' inputs (one-hot columns together). */
export function networkGroups(data: PlaygroundData, features: readonly FeatureName[]): InputGroup[] {
  if (data.axes) {
    return features.map((f, k) => ({ name: FEATURES[f].label, start: k, width: 1, input: { kind: 'numeric', name: FEATURES[f].label } as InputGroup['input'] }));
  }
  let start = 0;
  return data.inputs.map((input) => {
    const width = input.kind === 'categorical' ? input.categories.length : 1;
    const g = { name: input.name, start, width, input };
    start += width;
    return g;
  });
}

/** The seeded background: up to BACKGROUND_ROWS distinct training rows, as network inputs. */
export function backgroundRows(data: PlaygroundData, features: readonly FeatureName[]): { rows: Float64Array; count: number } {
  const n = data.train.length;
  const order = Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(order, createRng(BACKGROUND_SEED));
  const pick = order.slice(0, Math.min(BACKGROUND_ROWS, n));
  const X = new Float64Array(pick.length * data.width);
  pick.forEach((r, k) => X.set(data.trainX.subarray(r * data.width, (r + 1) * data.width), k * data.width));
  return { rows: networkInputs(data, features, X), count: pick.length };
}

/** The explained output: the one unit of binary and regression, the predicted class's probability for multi-class. */
function head(data: PlaygroundData, net: Network, x: Float64Array): { head: OutputHead; label: string } {
  if (data.task === 'multiclass' && data.target.classes) {
    const out = predict(net, x, 1);
    let best = 0;
    for (let k = 1; k < out.length; k++) if (out[k] > out[best]) best = k;
    const c = data.target.classes[best];
    return { head: { output: 'probability', unit: best, class: c }, label: `P(${data.target.name} = ${c})` };
  }
  if (data.task === 'regression') return { head: { output: 'value', unit: 0 }, label: `${data.target.name} (standardised)` };
  return { head: { output: 'probability', unit: 0 }, label: `P(${data.target.name} = ${data.target.positive ?? '1'})` };
}

/** The network of the run's layers (the playground model's encoders do not matter: rows are already network inputs). */
export function runNetwork(data: PlaygroundData, layers: ModelLayer[]): Network {
  return modelToNetwork(playgroundModel(data, layers));
}

export function pointAttributions(data: PlaygroundData, features: readonly FeatureName[], layers: ModelLayer[], point: number): PointAttributions | null {
  if (!data.train[point] || data.train.length === 0) return null;
  const net = runNetwork(data, layers);
  const groups = networkGroups(data, features);
  const x = networkInputs(data, features, data.trainX.subarray(point * data.width, (point + 1) * data.width)).slice();
  const bg = backgroundRows(data, features);
  const { head: h, label } = head(data, net, x);
  const s = shapleyValues(net, h, groups, x, bg.rows, bg.count, { maxExactInputs: 12, seed: BACKGROUND_SEED });
  const baseline = new Float64Array(x.length);
  for (let r = 0; r < bg.count; r++) for (let c = 0; c < x.length; c++) baseline[c] += bg.rows[r * x.length + c] / bg.count;
  const ig = integratedGradients(net, h, groups, x, baseline);
  const conductance = ig.conductance?.map((row) => Array.from(row)) ?? [];
  return {
    point, output: label, inputs: groups.map((g) => g.name),
    base: s.base, prediction: s.prediction, shapley: Array.from(s.values), shapleyGap: s.gap, exact: s.exact, backgroundRows: bg.count,
    igBase: ig.base, ig: Array.from(ig.values), igGap: ig.gap,
    hidden: conductance.length ? conductance[0].map((_, k) => `a${k + 1}`) : [], conductance,
  };
}
