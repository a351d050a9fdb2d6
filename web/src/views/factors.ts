/**
 * The chain-rule factors of the selected parameter for the chosen training point, as the explain
 * module computes them: each factor's symbol, meaning, formula and value, their product, the
 * backprop gradient and the finite-difference check. This view only formats those records.
 */
import type { ParamFactors } from '../../../src/explain/index.js';
import { rawValue, short } from '../colors.js';
import { trainRow } from '../datasets.js';
import { playgroundModel } from '../session.js';
import { predict } from '../../../src/math/network.js';
import { modelToNetwork } from '../../../src/model/convert.js';
import type { PlaygroundState } from '../state.js';
import type { PlaygroundData } from '../datasets.js';
import { num } from '../../../src/explain/format.js';
import { AttributionsView } from './attributions.js';

/** 4 significant digits with a true minus sign (no line break after it, unlike a hyphen). */
const n4 = (x: number) => num(x, 4);

const SUBSCRIPT = ['₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];

/**
 * The chosen point as the file has it and as the network sees it, side by side:
 * "years_experience = 6 → x₁ = (6 − 10.04) / 5.77 = −0.7002".
 */
export function pointLines(data: PlaygroundData, index: number): string[] {
  const p = data.train[index];
  if (!p) return [];
  let column = 0;
  return data.inputs.map((input, k) => {
    const raw = data.axes ? [p.x1, p.x2][k] : p.record?.[input.name];
    const x = data.trainX[index * data.width + column];
    const sym = `x${SUBSCRIPT[column] ?? `[${column}]`}`;
    if (input.kind === 'categorical') {
      column += input.categories.length;
      return `${input.name} = ${raw} → one-hot over ${input.categories.length} columns`;
    }
    column += 1;
    if (input.mean === undefined || input.std === undefined) return `${input.name} = ${n4(Number(raw))} → ${sym} = ${n4(x)} (raw)`;
    return `${input.name} = ${n4(Number(raw))} → ${sym} = (${n4(Number(raw))} − ${n4(input.mean)}) / ${n4(input.std)} = ${n4(x)}`;
  });
}

/**
 * The chosen point's target as the data has it and as the network learns it: "level = senior
 * (one-hot y = [0, 1, 0])", "salary = 95,661 → y = (95661 − 88000) / 21000 = 0.3648", "promoted = 1".
 */
export function targetLine(data: PlaygroundData, y: number): string {
  const { name, classes, mean, std } = data.target;
  if (data.task === 'multiclass' && classes) return `${name} = ${classes[y]} (one-hot y = [${classes.map((_, k) => (k === y ? 1 : 0)).join(', ')}])`;
  if (data.task === 'regression' && mean !== undefined && std !== undefined) return `${name} = ${rawValue(y)} → y = (${rawValue(y)} − ${rawValue(mean)}) / ${rawValue(std)} = ${n4((y - mean) / std)}`;
  return `${name} = ${y}`;
}

/**
 * The head's line above the factors: ŷ and y for one output; for a softmax head every class's
 * probability at the point (the library's forward pass on the run's weights) and the one-hot y.
 */
function headLine(state: PlaygroundState, doc: NonNullable<PlaygroundState['explanation']>): string {
  const { data, layers, config, selection } = state;
  const classes = data.target.classes;
  if (data.task === 'multiclass' && classes && layers) {
    const row = Float64Array.from(trainRow(data, config.features, selection.point));
    const p = predict(modelToNetwork(playgroundModel(data, layers)), row, 1);
    const y = data.train[selection.point]?.y;
    return `ŷ = (${classes.map((c, k) => `${escape(c)} ${n4(p[k])}`).join(', ')}), y = [${classes.map((_, k) => (k === y ? 1 : 0)).join(', ')}]`;
  }
  const p = Number(doc.prediction);
  if (data.task === 'regression' && data.target.mean !== undefined && data.target.std !== undefined) {
    return `ŷ = ${n4(p)} (${escape(data.target.name)} ${rawValue(p * data.target.std + data.target.mean)}), y = ${n4(Number(doc.target))}`;
  }
  return `ŷ = ${n4(p)}, y = ${doc.target}`;
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function termsTable(terms: ParamFactors['terms']): string {
  const rows = terms.map((t) => {
    const sum = t.sum ? `<div class="sum">${t.sum.map((s) => `${escape(s.symbol)} = ${n4(s.weight)}·${n4(s.delta)} = ${n4(s.value)}`).join('<br>')}</div>` : '';
    return `<tr data-testid="factor-row"><td class="sym">${escape(t.symbol)}${t.note ? ` <span class="note">${escape(t.note)}</span>` : ''}</td>`
      + `<td class="formula">${escape(t.formula)}${sum}<div class="meaning">${escape(t.meaning)}</div></td><td class="num" data-testid="factor-value" title="${t.value}">${n4(t.value)}</td></tr>`;
  }).join('');
  return `<table class="factors"><thead><tr><th>factor</th><th>formula, and what it means</th><th>value</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export class FactorsView {
  private readonly body: HTMLElement;
  private readonly pointInput: HTMLInputElement;
  private readonly pointInfo: HTMLElement;
  private last: unknown = null;
  private readonly attributions: AttributionsView;

  constructor(container: HTMLElement, handlers: { onPoint(index: number): void }) {
    container.innerHTML = `
      <h2>Chain-rule factors</h2>
      <div class="point">training point (or click one on the map) <button type="button" data-testid="point-prev" aria-label="previous training point">◀</button>
        <input type="number" id="point-index" min="0" step="1" value="0" data-testid="point-index" aria-label="training point index">
        <button type="button" data-testid="point-next" aria-label="next training point">▶</button></div><div class="point-info" data-testid="point-info"></div>
      <div class="factors-body" data-testid="factors"></div>
      <section class="attributions" data-testid="attributions" aria-label="attributions of the selected point"></section>`;
    this.attributions = new AttributionsView(container.querySelector('.attributions')!);
    this.body = container.querySelector('.factors-body')!;
    this.pointInput = container.querySelector('[data-testid=point-index]')!;
    this.pointInfo = container.querySelector('.point-info')!;
    this.pointInput.addEventListener('change', () => handlers.onPoint(Number(this.pointInput.value)));
    container.querySelector('[data-testid=point-prev]')!.addEventListener('click', () => handlers.onPoint(Number(this.pointInput.value) - 1));
    container.querySelector('[data-testid=point-next]')!.addEventListener('click', () => handlers.onPoint(Number(this.pointInput.value) + 1));
  }

  update(state: PlaygroundState): void {
    this.attributions.update(state.attributions ?? null);
    if (this.last === state.explanation && Number(this.pointInput.value) === state.selection.point && state.selection.param) return;
    this.last = state.explanation;
    const point = state.data.train[state.selection.point];
    this.pointInput.max = String(state.data.train.length - 1);
    if (document.activeElement !== this.pointInput) this.pointInput.value = String(state.selection.point);
    this.pointInfo.innerHTML = point
      ? `${pointLines(state.data, state.selection.point).map((l) => `<span data-testid="point-line">${escape(l)}</span>`).join('<br>')}<br>`
        + `<span class="nowrap" data-testid="point-target">${escape(targetLine(state.data, point.y))}${point.row ? ` (file row ${point.row})` : ''}</span>`
      : '';
    const doc = state.explanation;
    if (!state.selection.param || !doc) {
      this.body.innerHTML = '<p class="hint">Click a weight (an edge) or a bias (a node) in the network to see ∂L/∂θ as a product of chain-rule factors for this point.</p>';
      return;
    }
    const f = doc.factors[0];
    const simplified = f.simplified
      ? `<p class="simplified">sigmoid + BCE: ∂L/∂ŷ·∂ŷ/∂z = ŷ − y, so ∂L/∂${escape(f.label)} = ${escape(f.simplified.formula)} = <b>${n4(f.simplified.product)}</b></p>`
      : '';
    this.body.innerHTML = `
      <p><b data-testid="factor-param">∂L/∂${escape(f.label)}</b> · <span data-testid="factor-head">${headLine(state, doc)}</span>, L = ${n4(doc.loss)}</p>
      ${termsTable(f.terms)}
      ${simplified}
      <p class="totals">product <b data-testid="factor-product" title="${f.product}">${n4(f.product)}</b>
        · backprop <b data-testid="factor-gradient" title="${f.gradient}">${n4(f.gradient)}</b>
        · finite difference <b data-testid="factor-fd" title="${f.finiteDifference}">${n4(f.finiteDifference)}</b></p>`;
  }
}
