/**
 * The notes mode's lesson, as data: for Net 1 (note 000) or Net 2 (note 004) with given weights
 * and one sample, the list of steps the page walks through — the forward pass node by node, then
 * for each parameter its chain-rule factors one at a time (formula, the formula with the numbers
 * plugged in, value), their product, the finite-difference check and the gradient-descent step.
 * Every number comes from the explain module (explainNetwork on the row encodeRecord gives), the
 * same code path `chainrule explain --json` runs, so the page and the CLI agree to the last bit.
 * Where a note slips, the step carries the note's formula as written, evaluated at the same point
 * by the notes check's own specs, beside the correct one. Pure: no DOM, testable in Node.
 * Over 300 lines because a step's values, its highlight and the note's lines are built together.
 */
import { explainNetwork, type NetworkExplanation } from '../../src/explain/explain.js';
import { createNaming, type Naming } from '../../src/explain/naming.js';
import { traceSample, type Trace } from '../../src/explain/trace.js';
import { checkNotes, type NoteFormula } from '../../src/explain/notes/check.js';
import { NET1_FORMULAS, README_POINT, type Net1Point } from '../../src/explain/notes/net1.js';
import { NET2_FORMULAS, type Net2Point } from '../../src/explain/notes/net2.js';
import type { FormulaSpec } from '../../src/explain/notes/formula.js';
import { factorNum, num } from '../../src/explain/format.js';
import { encodeRecord } from '../../src/model/encoding.js';
import { modelToNetwork } from '../../src/model/convert.js';
import type { ModelFile } from '../../src/model/schema.js';
import type { Factor, ParamFactors } from '../../src/explain/types.js';

export type NotesNet = 'net1' | 'net2';

/** What the lesson explains: a model file (raw inputs or with encoders), one raw record, its label, η. */
export interface NotesCase {
  net: NotesNet;
  model: ModelFile;
  record: Record<string, number>;
  target: number;
  lr: number;
}

/** A part of the drawing a step lights up: an edge (a weight, by its notes name), a unit's node, or the loss. */
export interface Highlight {
  kind: 'edge' | 'node' | 'loss' | 'input';
  /** Weight name for an edge, unit name (z, ŷ, a1 …) for a node, input name (x, x1) for an input. */
  id: string;
}

/** A formula of the note as written, next to the correct one, both evaluated at this sample. */
export interface NoteLine {
  name: string;
  asWritten: string;
  /** The note's formula evaluated as written here. */
  valueAsWritten: number;
  verdict: 'holds' | 'slips';
  corrected: string | null;
  slip?: number;
  reading?: string;
}

export interface NotesStep {
  kind: 'forward' | 'factor' | 'product' | 'update';
  title: string;
  highlight: Highlight[];
  /** The parameter this backward step belongs to (notes name). */
  param?: string;
  /** Index of the factor in ParamFactors.terms (factor steps). */
  term?: number;
  /** The notes' factor number, e.g. `(2)` (Net 1 only). */
  note?: string;
  symbol?: string;
  meaning?: string;
  formula?: string;
  /** The formula with every symbol replaced by its value. */
  plugged?: string;
  value?: number;
  /** Extra lines of the step (forward values, product, check, update), already formatted. */
  lines?: string[];
  /** Named numbers of the step, for tests and the page's title attributes (full precision). */
  numbers?: Record<string, number>;
  notes?: NoteLine[];
}

export interface Lesson {
  net: NotesNet;
  naming: Naming;
  trace: Trace;
  explanation: NetworkExplanation;
  steps: NotesStep[];
  /** Encoded (standardised) inputs, as the network sees them. */
  encoded: number[];
}

/** Net 1's sample, weights and learning rate, as the page lets the user edit them. */
export type Net1Sample = Net1Point & { lr: number };
/** The notes README's example point (x = 0.9, y = 0, w1 = 0.8, b1 = −0.3, w2 = 1.3, b2 = 0.4), η = 0.5. */
export const NET1_DEFAULT: Net1Sample = { ...README_POINT, lr: 0.5 };

/** Net 1 as a hand-written model file (raw input x, linear hidden unit), with its sample. */
export function net1Case(p: Net1Point = README_POINT, lr = 0.5): NotesCase {
  return {
    net: 'net1',
    model: {
      format: 'chainrule/model', version: 1,
      inputs: [{ name: 'x', kind: 'numeric' }],
      target: { name: 'y', positive: '1' },
      layers: [
        // Net 1 has no hidden activation: z is passed on as it is.
        { activation: 'linear', weights: [[p.w1]], bias: [p.b1] },
        { activation: 'sigmoid', weights: [[p.w2]], bias: [p.b2] },
      ],
      loss: 'bce', threshold: 0.5,
    },
    record: { x: p.x },
    target: p.y,
    lr,
  };
}

const SYMBOLS = ["z'", 'z_f', 'ŷ', 'w11', 'w21', 'w12', 'w22', 'z1', 'z2', 'a1', 'a2', 'x1', 'x2', 'w1', 'w2', 'b1', 'b2', 'b3', 'z', 'x', 'y'];
const SYMBOL_RE = new RegExp(`(?<![\\p{L}\\p{N}_'])(${SYMBOLS.join('|')})(?![\\p{L}\\p{N}_'])`, 'gu');

/** The formula with each known symbol replaced by its value (negative values in parentheses). */
export function plugIn(formula: string, values: Record<string, number>): string {
  return formula.replace(SYMBOL_RE, (s) => (s in values ? factorNum(values[s]) : s));
}

/** Every named quantity of the sample: inputs, weights, z and a of each unit, ŷ, y. */
function symbolValues(model: ModelFile, naming: Naming, trace: Trace): Record<string, number> {
  const values: Record<string, number> = { y: trace.y, 'ŷ': trace.yhat };
  model.layers.forEach((layer, l) => {
    layer.weights.forEach((row, j) => {
      row.forEach((w, i) => { values[naming.param(l, j, i)] = w; });
      values[naming.param(l, j)] = layer.bias[j];
      values[naming.z(l, j)] = trace.z[l][j];
      values[naming.a(l, j)] = trace.a[l][j];
    });
  });
  trace.x.forEach((x, i) => { values[naming.input(0, i)] = x; });
  return values;
}

/** Which part of the drawing a factor belongs to (its place in the chain tells its kind). */
function factorHighlight(f: ParamFactors, k: number, naming: Naming, values: Record<string, number>): Highlight {
  const t = f.terms[k];
  if (k === 0) return { kind: 'loss', id: 'L' };
  if (k === f.terms.length - 1) {
    return f.kind === 'weight' ? { kind: 'edge', id: f.param } : { kind: 'node', id: naming.a(f.layer, f.unit) };
  }
  const top = /^∂([^/]+)\/∂/.exec(t.symbol)?.[1] ?? '';
  // ∂z/∂a: the link is the weight named by the formula; ∂a/∂z: the unit's own slope.
  if (top.startsWith('z') && t.formula in values) return { kind: 'edge', id: t.formula };
  return { kind: 'node', id: top };
}

/** The notes-check verdicts by formula name (seeded, the same as `chainrule notes`), computed once. */
let verdicts: Map<string, NoteFormula> | undefined;
function verdictOf(name: string): NoteFormula | undefined {
  verdicts ??= new Map(checkNotes().formulas.map((f) => [f.name, f]));
  return verdicts.get(name);
}

function noteLine<P>(spec: FormulaSpec<P>, point: P): NoteLine {
  const checked = verdictOf(spec.name);
  const verdict = checked?.verdict ?? 'holds';
  return {
    name: spec.name, asWritten: spec.asWritten, valueAsWritten: spec.value(point), verdict,
    corrected: verdict === 'slips' ? spec.corrected : null,
    ...(verdict === 'slips' && spec.slip !== undefined ? { slip: spec.slip } : {}),
    ...(spec.reading ? { reading: spec.reading } : {}),
  };
}

const spec1 = (name: string) => NET1_FORMULAS.find((s) => s.name === name)!;
const spec2 = (name: string) => NET2_FORMULAS.find((s) => s.name === name)!;

function net1Point(model: ModelFile, trace: Trace): Net1Point {
  const [l0, l1] = model.layers;
  return { x: trace.x[0], y: trace.y, w1: l0.weights[0][0], b1: l0.bias[0], w2: l1.weights[0][0], b2: l1.bias[0] };
}

/** Note 000's lines for one parameter: its factor (k) and its final gradient formula. */
function net1Notes(model: ModelFile, trace: Trace, param: string, factor?: Factor): NoteLine[] {
  const p = net1Point(model, trace);
  if (factor?.note) {
    const spec = NET1_FORMULAS.find((s) => s.name.startsWith(`factor ${factor.note}`));
    return spec ? [noteLine(spec, p)] : [];
  }
  return factor ? [] : [noteLine(spec1(`∂L/∂${param}`), p)];
}

/**
 * Net 2's point with the roles the note's hidden-layer lines name (input x2 → unit a1, w = w1)
 * filled by the given input i and unit j: the network is the same function after swapping
 * hidden units and inputs, so the note's formula evaluates as written for any hidden parameter.
 */
function net2Point(model: ModelFile, trace: Trace, lr: number, unit = 0, input = 1): Net2Point {
  const [l0, l1] = model.layers;
  const j = [unit, 1 - unit];
  const i = [1 - input, input];
  const w = (jj: number, ii: number) => l0.weights[j[jj]][i[ii]];
  return {
    x1: trace.x[i[0]], x2: trace.x[i[1]], y: trace.y,
    w11: w(0, 0), w21: w(0, 1), w12: w(1, 0), w22: w(1, 1), b1: l0.bias[j[0]], b2: l0.bias[j[1]],
    w1: l1.weights[0][j[0]], w2: l1.weights[0][j[1]], b3: l1.bias[0], eta: lr,
  };
}

/** Note 004's lines for one parameter's product (and, with `update`, its update line). */
function net2Notes(model: ModelFile, trace: Trace, lr: number, f: ParamFactors, update: boolean): NoteLine[] {
  if (f.layer === 1) {
    const p = net2Point(model, trace, lr, f.input ?? 0);
    if (update) return [];
    return f.kind === 'bias'
      ? [noteLine(spec2('output bias gradient'), p)]
      : [noteLine(spec2('output weight gradient'), p)];
  }
  const p = net2Point(model, trace, lr, f.unit, f.input ?? 1);
  if (f.kind === 'weight') {
    return update ? [noteLine(spec2('weight update (the step −η·(…))'), p)]
      : [noteLine(spec2('∂f/∂a (output error)'), p), noteLine(spec2('hidden weight, δ line with a2(1−a2)'), p), noteLine(spec2('hidden weight gradient'), p)];
  }
  return update ? [noteLine(spec2('bias update (the step −η·(…))'), p)]
    : [noteLine(spec2('∂f/∂a (output error)'), p), noteLine(spec2('hidden bias, δ line with a2(1−a2)'), p), noteLine(spec2('hidden bias gradient'), p)];
}

function forwardSteps(c: NotesCase, naming: Naming, trace: Trace, values: Record<string, number>): NotesStep[] {
  const steps: NotesStep[] = [];
  const inputs = c.model.inputs;
  trace.x.forEach((x, i) => {
    const input = inputs[i];
    const name = naming.input(0, i);
    const raw = c.record[input.name];
    const scaled = input.kind === 'numeric' && input.mean !== undefined && input.std !== undefined;
    steps.push({
      kind: 'forward', title: `input ${name}${input.name !== name ? ` (${input.name})` : ''}`,
      highlight: [{ kind: 'input', id: name }],
      formula: scaled ? `${name} = (raw − mean) / std` : `${name} = raw`,
      plugged: scaled ? `${name} = (${num(raw)} − ${num(input.mean!)}) / ${num(input.std!)}` : `${name} = ${num(raw)}`,
      value: x, numbers: { raw, [name]: x },
    });
  });
  c.model.layers.forEach((layer, l) => {
    layer.weights.forEach((row, j) => {
      const z = naming.z(l, j);
      const a = naming.a(l, j);
      const terms = row.map((_, i) => `${naming.weight(l, j, i)}·${naming.input(l, i)}`);
      // Net 1 multiplies the other way round (z = x·w1 + b1); the products are the same.
      const sum = c.net === 'net1' ? `${naming.input(l, 0)}·${naming.weight(l, j, 0)} + ${naming.param(l, j)}` : `${terms.join(' + ')} + ${naming.param(l, j)}`;
      steps.push({
        kind: 'forward', title: `${z}: the weighted sum`, highlight: [{ kind: 'node', id: a }],
        formula: `${z} = ${sum}`, plugged: `${z} = ${plugIn(sum, values)}`, value: trace.z[l][j], numbers: { [z]: trace.z[l][j] },
      });
      if (layer.activation !== 'linear') {
        steps.push({
          kind: 'forward', title: `${a}: the ${layer.activation} of ${z}`, highlight: [{ kind: 'node', id: a }],
          formula: `${a} = σ(${z}) = 1/(1 + e^{−${z}})`, plugged: `${a} = 1/(1 + e^{−${factorNum(trace.z[l][j])}})`, value: trace.a[l][j], numbers: { [a]: trace.a[l][j] },
        });
      }
    });
  });
  steps.push({
    kind: 'forward', title: 'L: the loss (binary cross-entropy)', highlight: [{ kind: 'loss', id: 'L' }],
    formula: 'L = −[y·log ŷ + (1−y)·log(1−ŷ)]', plugged: `L = −[${num(trace.y)}·log ${num(trace.yhat)} + (1−${num(trace.y)})·log(1−${num(trace.yhat)})]`,
    value: trace.loss, numbers: { L: trace.loss },
  });
  return steps;
}

/** The order the notes derive the gradients in: Net 1 w1, b1, w2, b2; Net 2 output layer first, then the hidden layer. */
function lessonOrder(net: NotesNet, factors: readonly ParamFactors[]): ParamFactors[] {
  if (net === 'net1') return ['w1', 'b1', 'w2', 'b2'].map((p) => factors.find((f) => f.param === p)!);
  return [...factors.filter((f) => f.layer === 1), ...factors.filter((f) => f.layer === 0)];
}

export function buildLesson(c: NotesCase): Lesson {
  const row = new Float64Array(c.model.inputs.length);
  encodeRecord(c.model.inputs, c.record, row);
  const encoded = Array.from(row);
  const net = modelToNetwork(c.model);
  const naming = createNaming(net);
  if (naming.shape !== c.net) throw new RangeError(`notes mode ${c.net} needs a ${c.net === 'net1' ? '1-1-1' : '2-2-1'} network, got ${naming.shape}`);
  const trace = traceSample(net, encoded, c.target);
  const explanation = explainNetwork(net, encoded, c.target, { lr: c.lr });
  const values = symbolValues(c.model, naming, trace);
  const steps = forwardSteps(c, naming, trace, values);
  for (const f of lessonOrder(c.net, explanation.factors)) {
    f.terms.forEach((t, k) => {
      steps.push({
        kind: 'factor', title: `∂L/∂${f.param}, factor ${k + 1} of ${f.terms.length}: ${t.symbol}${t.note ? ` ${t.note}` : ''}`,
        highlight: [factorHighlight(f, k, naming, values)], param: f.param, term: k, ...(t.note ? { note: t.note } : {}),
        symbol: t.symbol, meaning: t.meaning, formula: t.formula, plugged: plugIn(t.formula, values), value: t.value,
        ...(c.net === 'net1' && t.note ? { notes: net1Notes(c.model, trace, f.param, t) } : {}),
      });
    });
    const shown = f.productForm === 'simplified' && f.simplified ? f.simplified.terms : f.terms;
    steps.push({
      kind: 'product', title: `∂L/∂${f.param}: the product, checked`,
      highlight: f.terms.map((_, k) => factorHighlight(f, k, naming, values)), param: f.param,
      formula: `∂L/∂${f.param} = ${shown.map((t) => t.symbol).join(' · ')}`,
      plugged: shown.map((t) => factorNum(t.value)).join(' · '),
      value: f.product,
      lines: [
        ...(f.simplified ? [`sigmoid + BCE: (∂L/∂ŷ)·(∂ŷ/∂${naming.z(1, 0)}) = ŷ − y, so ∂L/∂${f.param} = ${f.simplified.formula} = ${num(f.simplified.product)}`] : []),
        `backprop ${num(f.gradient)} · finite difference ${num(f.finiteDifference)} · |difference| ${num(Math.abs(f.gradient - f.finiteDifference))}`,
      ],
      numbers: { product: f.product, gradient: f.gradient, finiteDifference: f.finiteDifference, ...(f.simplified ? { simplified: f.simplified.product } : {}) },
      notes: c.net === 'net1' ? net1Notes(c.model, trace, f.param) : net2Notes(c.model, trace, c.lr, f, false),
    });
    const s = explanation.step.parameters.find((r) => r.param === f.param)!;
    const { lossBefore, lossAfter } = explanation.step;
    steps.push({
      kind: 'update', title: `${f.param}: one gradient-descent step`,
      highlight: [f.kind === 'weight' ? { kind: 'edge', id: f.param } : { kind: 'node', id: naming.a(f.layer, f.unit) }], param: f.param,
      formula: `${f.param} ← ${f.param} − η·∂L/∂${f.param}`,
      plugged: `${f.param} ← ${num(s.old)} − ${num(s.lr)}·${factorNum(s.gradient)}`,
      value: s.new,
      lines: [`with every parameter stepped at once, the loss of this sample goes from ${num(lossBefore)} to ${num(lossAfter)} (${lossAfter < lossBefore ? 'down' : 'up'} ${num(Math.abs(lossAfter - lossBefore))})`],
      numbers: { old: s.old, lr: s.lr, gradient: s.gradient, new: s.new, lossBefore, lossAfter },
      ...(c.net === 'net2' ? { notes: net2Notes(c.model, trace, c.lr, f, true) } : {}),
    });
  }
  return { net: c.net, naming, trace, explanation, steps, encoded };
}
