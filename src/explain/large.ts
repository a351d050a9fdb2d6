/**
 * The explanation of a large network (size.ts isLargeNetwork: over 5,000 parameters, or a full
 * document estimated over 16 MiB), within bounds. It is not explained parameter by parameter:
 * the backward pass gives every gradient at once, then factors (and finite differences) are
 * built only for the parameters listed — the output layer's and the others with the largest
 * |gradient| — and only while the document stays within BOUNDED_EXPLAIN_BYTES of JSON. `param` asks for any one parameter's factors instead.
 * Browser-safe, like the rest of explain/.
 */
import type { Gradients, Network } from '../math/network.js';
import { cloneNetwork } from '../math/network.js';
import { UnknownParameterError } from '../errors.js';
import type { ExplainOptions, NetworkExplanation } from './explain.js';
import type { ParamFactors, Truncation } from './types.js';
import type { Naming } from './naming.js';
import { createNaming } from './naming.js';
import { traceSample } from './trace.js';
import { backpropGradients, finiteDifferenceAt, type SampleTarget } from './check.js';
import { gradientStep } from './step.js';
import { explainInputs } from './prediction.js';
import { gradientAt, nestedGradients, paramRecord } from './records.js';
import { BOUNDED_EXPLAIN_BYTES, chainShapes, factorBytes, jsonBytes, parameterCount } from './size.js';

/** The output layer's factors listed at most. */
export const OUTPUT_LAYER_FACTORS = 200;
/** The other parameters with the largest |gradient| listed at most. */
export const TOP_GRADIENT_FACTORS = 100;
/** `gradients` is kept while its JSON is at most this share of the budget. */
const GRADIENTS_BYTES = 512 * 1024;
/** Room kept for the rest of the document (check, step, truncation, a face's additions). */
const RESERVE_BYTES = 64 * 1024;
/** A step record { param, old, lr, gradient, new } in JSON, at most. */
const STEP_RECORD_BYTES = 160;

interface Coord {
  readonly l: number;
  readonly j: number;
  readonly i: number | undefined;
  /** Position in file order (per layer: weights row by row, then biases). */
  readonly order: number;
}

function layerOffsets(net: Network): number[] {
  const offsets: number[] = [];
  let n = 0;
  for (const layer of net.layers) {
    offsets.push(n);
    n += layer.units * (layer.inputs + 1);
  }
  return offsets;
}

function orderOf(net: Network, offsets: readonly number[], l: number, j: number, i: number | undefined): number {
  const layer = net.layers[l];
  return offsets[l] + (i === undefined ? layer.units * layer.inputs + j : j * layer.inputs + i);
}

function coord(net: Network, offsets: readonly number[], l: number, j: number, i: number | undefined): Coord {
  return { l, j, i, order: orderOf(net, offsets, l, j, i) };
}

/** The names a large (always generic-shaped) network's parameters go by: JSON's and the terminal's. */
const PARAM_NAMES = [
  /^layers\[(0|[1-9]\d*)\]\.weights\[(0|[1-9]\d*)\]\[(0|[1-9]\d*)\]$/, /^layers\[(0|[1-9]\d*)\]\.bias\[(0|[1-9]\d*)\]$/,
  /^layer\[(0|[1-9]\d*)\]\.w\[(0|[1-9]\d*)\]\[(0|[1-9]\d*)\]$/, /^layer\[(0|[1-9]\d*)\]\.b\[(0|[1-9]\d*)\]$/,
];
const EXAMPLE = 'layers[0].weights[0][0]';

/** `layers[l].weights[j][i]`, `layers[l].bias[j]` or the terminal's `layer[l].w[j][i]`, `layer[l].b[j]`, checked against the shape. */
function parseParam(net: Network, offsets: readonly number[], name: string): Coord {
  for (const pattern of PARAM_NAMES) {
    const m = pattern.exec(name);
    if (!m) continue;
    const [l, j] = [Number(m[1]), Number(m[2])];
    const i = m[3] === undefined ? undefined : Number(m[3]);
    const layer = net.layers[l];
    if (layer && j < layer.units && (i === undefined || i < layer.inputs)) return coord(net, offsets, l, j, i);
  }
  // The names by range: listing every one of a large network's parameters would be the amplification this file avoids.
  const ranges = net.layers.flatMap((layer, l) => [`layers[${l}].weights[0..${layer.units - 1}][0..${layer.inputs - 1}]`, `layers[${l}].bias[0..${layer.units - 1}]`]);
  const shown = ranges.length > 6 ? [...ranges.slice(0, 4), `… (${net.layers.length} layers)`, ...ranges.slice(-2)] : ranges;
  throw new UnknownParameterError(name, shown);
}

/** The output layer's parameters in file order (at most OUTPUT_LAYER_FACTORS), then the others by |gradient|, largest first. */
function candidates(net: Network, grads: Gradients, offsets: readonly number[]): { output: Coord[]; top: Coord[] } {
  const last = net.layers.length - 1;
  const out = net.layers[last];
  const output: Coord[] = [];
  for (let j = 0; j < out.units && output.length < OUTPUT_LAYER_FACTORS; j++) {
    for (let i = 0; i < out.inputs && output.length < OUTPUT_LAYER_FACTORS; i++) output.push(coord(net, offsets, last, j, i));
  }
  for (let j = 0; j < out.units && output.length < OUTPUT_LAYER_FACTORS; j++) output.push(coord(net, offsets, last, j, undefined));
  // The K largest |gradient| kept sorted, largest first; a tie keeps the earlier parameter.
  const top: { c: Coord; g: number }[] = [];
  const consider = (l: number, j: number, i: number | undefined) => {
    const g = Math.abs(gradientAt(net, grads, l, j, i));
    if (!(g > 0) || (top.length === TOP_GRADIENT_FACTORS && g <= top[top.length - 1].g)) return;
    let at = top.length;
    while (at > 0 && top[at - 1].g < g) at--;
    top.splice(at, 0, { c: coord(net, offsets, l, j, i), g });
    if (top.length > TOP_GRADIENT_FACTORS) top.pop();
  };
  for (let l = 0; l < last; l++) {
    const layer = net.layers[l];
    for (let j = 0; j < layer.units; j++) for (let i = 0; i < layer.inputs; i++) consider(l, j, i);
    for (let j = 0; j < layer.units; j++) consider(l, j, undefined);
  }
  return { output, top: top.map((t) => t.c) };
}

/** max |backprop − finite difference| and max |product − backprop| over the listed factors. */
function checkOf(factors: readonly ParamFactors[]): { maxAbsDiff: number; maxProductDiff: number; parameters: number } {
  let maxAbsDiff = 0;
  let maxProductDiff = 0;
  for (const f of factors) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(f.gradient - f.finiteDifference));
    maxProductDiff = Math.max(maxProductDiff, Math.abs(f.product - f.gradient));
  }
  return { maxAbsDiff, maxProductDiff, parameters: factors.length };
}

function truncationNote(t: Omit<Truncation, 'note'>): string {
  const gradients = t.gradients === 'all' ? '`gradients` holds every gradient' : '`gradients` is left out (over its share of the budget; each listed factor carries its gradient)';
  return `${t.parameters} parameters: listed are the factors of ${t.outputLayerFactors} output-layer parameters and of the ${t.topGradientFactors} others `
    + `with the largest |gradient| that fit in ${t.maxBytes} bytes; ${t.factorsLeftOut} are left out; ${gradients}; the check covers the listed factors. `
    + `Ask for any parameter's factors with "param" (HTTP) or --param (CLI), e.g. ${EXAMPLE}; names are layers[l].weights[j][i] and layers[l].bias[j].`;
}

function truncation(parameters: number, factors: readonly ParamFactors[], lastLayer: number, gradients: boolean): Truncation {
  const outputLayerFactors = factors.filter((f) => f.layer === lastLayer).length;
  const t = {
    parameters, factorsShown: factors.length, factorsLeftOut: parameters - factors.length,
    outputLayerFactors, topGradientFactors: factors.length - outputLayerFactors,
    gradients: gradients ? 'all' as const : 'left out' as const, maxBytes: BOUNDED_EXPLAIN_BYTES,
  };
  return { ...t, note: truncationNote(t) };
}

/** `gradients` when its JSON fits GRADIENTS_BYTES, with that size; never built for a network far over it. */
function boundedGradients(net: Network, grads: Gradients, parameters: number): { layers: ReturnType<typeof nestedGradients>; bytes: number } | undefined {
  // A gradient takes at least 4 bytes of JSON ("0.1,"), so past this count it cannot fit.
  if (parameters * 4 > GRADIENTS_BYTES) return undefined;
  const layers = nestedGradients(net, grads);
  const bytes = jsonBytes(layers);
  return bytes <= GRADIENTS_BYTES ? { layers, bytes } : undefined;
}

/**
 * The bounded document of a large network (`param` given: that parameter's factors only, not
 * truncated). Every gradient comes from one backward pass; factors and finite differences are
 * built for the listed parameters only, each measured as JSON before it is kept.
 */
export function explainLargeNetwork(net: Network, x: readonly number[], y: SampleTarget, options: ExplainOptions & { lr: number }): NetworkExplanation {
  const last = net.layers.length - 1;
  const outputs = net.layers[last].units;
  const naming: Naming = createNaming(net);
  const offsets = layerOffsets(net);
  const parameters = parameterCount(net);
  const chosen = options.param !== undefined ? [parseParam(net, offsets, options.param)] : undefined;
  const trace = traceSample(net, x, y);
  const grads = backpropGradients(net, x, y);
  const inputs = options.inputs ? explainInputs(net, options.inputs.model, options.inputs.record, trace, options.inputs.labels) : undefined;
  const gradients = boundedGradients(net, grads, parameters);
  const copy = cloneNetwork(net);
  const record = (c: Coord) => paramRecord(net, trace, naming, c.l, c.j, c.i, gradientAt(net, grads, c.l, c.j, c.i), finiteDifferenceAt(copy, x, y, c.l, c.j, c.i));

  let factors: { c: Coord; f: ParamFactors }[];
  if (chosen) {
    factors = chosen.map((c) => ({ c, f: record(c) }));
  } else {
    const shapes = chainShapes(net);
    let room = BOUNDED_EXPLAIN_BYTES - RESERVE_BYTES - (gradients?.bytes ?? 0) - (inputs ? jsonBytes(inputs) : 0);
    factors = [];
    const { output, top } = candidates(net, grads, offsets);
    for (const c of [...output, ...top]) {
      // A chain estimated far over the room left is not built at all (a deep chain's is large).
      if (factorBytes(shapes[c.l]) > 4 * room) continue;
      const f = record(c);
      const bytes = jsonBytes(f) + 1 + STEP_RECORD_BYTES;
      if (bytes > room) continue;
      room -= bytes;
      factors.push({ c, f });
    }
    factors.sort((a, b) => a.c.order - b.c.order);
  }
  const listed = new Set(factors.map(({ c }) => c.order));
  const shown = factors.map(({ f }) => f);
  const step = gradientStep(net, grads, x, y, options.lr, naming, (l, j, i) => listed.has(orderOf(net, offsets, l, j, i)));
  return {
    loss: trace.loss,
    prediction: trace.yhat,
    target: typeof y === 'number' ? y : y[0],
    ...(outputs > 1 ? { outputs: [...trace.a[last]] } : {}),
    ...(gradients ? { gradients: { layers: gradients.layers } } : {}),
    factors: shown,
    check: checkOf(shown),
    step,
    ...(inputs ? { inputs } : {}),
    ...(chosen ? {} : { truncated: true as const, truncation: truncation(parameters, shown, last, gradients !== undefined) }),
  } as NetworkExplanation;
}

/**
 * A bounded document (or one built on it, with a face's additions such as attributions) cut to
 * BOUNDED_EXPLAIN_BYTES: the listed factors go smallest |gradient| first, the output layer's
 * last, then `gradients`; the check, the step's list and `truncation` follow. A document that is
 * not truncated is returned as it is.
 */
export function fitBounded<D extends Pick<NetworkExplanation, 'factors' | 'check' | 'step' | 'truncation'> & { gradients?: unknown }>(doc: D): D {
  const bytes = doc.truncation ? jsonBytes(doc) : 0;
  if (!doc.truncation || bytes <= BOUNDED_EXPLAIN_BYTES) return doc;
  const { parameters } = doc.truncation;
  // The output layer is the deepest one listed (its factors are listed first).
  const lastLayer = doc.factors.reduce((m, f) => Math.max(m, f.layer), 0);
  const byPriority = doc.factors.map((f, k) => ({ f, k }))
    .sort((a, b) => (a.f.layer === lastLayer ? 1 : 0) - (b.f.layer === lastLayer ? 1 : 0) || Math.abs(a.f.gradient) - Math.abs(b.f.gradient) || b.k - a.k);
  const steps = new Map(doc.step.parameters.map((p) => [p.param, p]));
  const saved = (f: ParamFactors) => jsonBytes(f) + 1 + (steps.has(f.param) ? jsonBytes(steps.get(f.param)) + 1 : 0);
  const fit = (drop: number, keepGradients: boolean): D => {
    const dropped = new Set(byPriority.slice(0, drop).map(({ k }) => k));
    const factors = doc.factors.filter((_, k) => !dropped.has(k));
    const names = new Set(factors.map((f) => f.param));
    const fitted: D = {
      ...doc,
      factors,
      check: checkOf(factors),
      step: { ...doc.step, parameters: doc.step.parameters.filter((p) => names.has(p.param)) },
      truncation: truncation(parameters, factors, lastLayer, keepGradients),
    };
    if (!keepGradients) delete fitted.gradients;
    return fitted;
  };
  // Drop what the sizes say is enough, then one more at a time until the whole document fits.
  let drop = 0;
  for (let over = bytes - BOUNDED_EXPLAIN_BYTES; over > 0 && drop < byPriority.length; drop++) over -= saved(byPriority[drop].f);
  let fitted = fit(drop, doc.gradients !== undefined);
  while (jsonBytes(fitted) > BOUNDED_EXPLAIN_BYTES && drop < byPriority.length) fitted = fit(++drop, doc.gradients !== undefined);
  return jsonBytes(fitted) > BOUNDED_EXPLAIN_BYTES && doc.gradients !== undefined ? fit(drop, false) : fitted;
}
