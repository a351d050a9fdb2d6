/**
 * The selected point's attributions, under the chain-rule factors: exact Shapley values as
 * labelled horizontal bars with base and prediction, and integrated gradients with their
 * conductance through the first hidden layer as an input × hidden-unit table whose rows sum to
 * the input's IG value. The numbers come from web/src/attributions.ts; this view only formats them.
 */
import type { PointAttributions } from '../attributions.js';
import { num } from '../../../src/explain/format.js';

const n4 = (x: number) => num(x, 4);

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The view's HTML; every shown number carries its full value in data-value. */
export function attributionsHtml(a: PointAttributions): string {
  const max = Math.max(1e-300, ...a.shapley.map(Math.abs));
  const bars = a.inputs.map((name, i) => {
    const v = a.shapley[i];
    const width = (50 * Math.abs(v)) / max;
    const side = v >= 0 ? `left:50%` : `right:50%`;
    return `<div class="shap-row" data-testid="shap-bar" data-input="${escape(name)}" data-value="${v}">`
      + `<span class="shap-label">${escape(name)}</span>`
      + `<span class="shap-track" role="img" aria-label="${escape(name)}: φ = ${n4(v)}"><span class="shap-fill ${v >= 0 ? 'pos' : 'neg'}" style="${side};width:${width.toFixed(2)}%"></span></span>`
      + `<span class="shap-value">${n4(v)}</span></div>`;
  }).join('');
  const conductance = a.hidden.length
    ? `<table class="conductance" data-testid="conductance"><caption>Integrated gradients from the background's mean row (f = ${n4(a.igBase)}, completeness gap ${a.igGap.toExponential(1)}), split by the hidden unit it flows through: each row sums to the input's IG.</caption>`
      + `<thead><tr><th scope="col">input</th>${a.hidden.map((h) => `<th scope="col">${h}</th>`).join('')}<th scope="col">IG</th></tr></thead><tbody>`
      + a.inputs.map((name, i) => `<tr data-testid="conductance-row" data-input="${escape(name)}"><th scope="row">${escape(name)}</th>`
        + a.conductance[i].map((c) => `<td data-value="${c}">${n4(c)}</td>`).join('')
        + `<td class="ig" data-testid="ig-value" data-value="${a.ig[i]}">${n4(a.ig[i])}</td></tr>`).join('')
      + '</tbody></table>'
    : `<p class="hint">No hidden layer: integrated gradients ${a.inputs.map((name, i) => `${escape(name)} ${n4(a.ig[i])}`).join(', ')}, no conductance to show.</p>`;
  return `<h3>Attributions of point ${a.point}</h3>
    <p class="caption">${a.exact ? 'Exact' : 'Estimated (seeded permutations)'} Shapley values of ${escape(a.output)} per network input (a feature cross or a one-hot input counts as one input), against ${a.backgroundRows} training rows (seeded sample): base + Σφ = prediction.</p>
    <p class="shap-ends">base <b data-testid="shap-base" data-value="${a.base}">${n4(a.base)}</b> · prediction <b data-testid="shap-prediction" data-value="${a.prediction}">${n4(a.prediction)}</b></p>
    <div class="shap-bars">${bars}</div>
    ${conductance}`;
}

export class AttributionsView {
  private last: PointAttributions | null | undefined;

  constructor(private readonly container: HTMLElement) {}

  update(a: PointAttributions | null): void {
    if (a === this.last) return;
    this.last = a;
    this.container.innerHTML = a ? attributionsHtml(a) : '';
  }
}
