/**
 * The playground's attributions view (web/src/attributions.ts, web/src/views/attributions.ts):
 * the numbers it shows are the library's Shapley values and integrated gradients for the selected
 * point, Shapley values sum to prediction − base and conductance rows sum to the input's IG.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../../web/src/config.js';
import { makeData, trainRow } from '../../web/src/datasets.js';
import { createSession } from '../../web/src/session.js';
import { backgroundRows, networkGroups, pointAttributions, runNetwork, BACKGROUND_ROWS } from '../../web/src/attributions.js';
import { attributionsHtml } from '../../web/src/views/attributions.js';
import { shapleyValues } from '../../src/explain/attributions/shapley.js';
import { integratedGradients } from '../../src/explain/attributions/integrated-gradients.js';

const config = (over: Partial<RunConfig>): RunConfig => ({ ...DEFAULT_CONFIG, ...over });

/** Every data-value of elements with this data-testid, in document order. */
function shown(html: string, testid: string): number[] {
  const re = new RegExp(`data-testid="${testid}"[^>]*?data-value="([^"]+)"`, 'g');
  return [...html.matchAll(re)].map((m) => Number(m[1]));
}

function cells(html: string): number[][] {
  return [...html.matchAll(/<tr data-testid="conductance-row"[^>]*>(.*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<td data-value="([^"]+)"/g)].map((m) => Number(m[1])));
}

const cases: [string, Partial<RunConfig>][] = [
  ['2-2-1 on the map (x1, x2)', { dataset: 'circle', hidden: [2] }],
  ['crosses on the map (x1, x2, x1x2, sin x1), hidden 3', { dataset: 'xor', hidden: [3], features: ['x1', 'x2', 'x1x2', 'sin1'] }],
  ['a table with categorical inputs (promotion), hidden 2', { dataset: 'promotion', hidden: [2] }],
];

describe.each(cases)('attributions of the selected point: %s', (_, over) => {
  const c = config(over);
  const session = createSession(c);
  for (let e = 0; e < 5; e++) session.runEpoch();
  const data = session.data;
  const layers = session.layers();
  const point = 7;
  const a = pointAttributions(data, c.features, layers, point)!;
  const html = attributionsHtml(a);

  it('shows the library\'s exact Shapley values over the seeded background, summing to prediction − base', () => {
    const net = runNetwork(data, layers);
    const groups = networkGroups(data, c.features);
    const bg = backgroundRows(data, c.features);
    expect(bg.count).toBe(Math.min(BACKGROUND_ROWS, data.train.length));
    expect(groups.length).toBeGreaterThanOrEqual(2);
    const x = Float64Array.from(trainRow(data, c.features, point));
    expect(data.task).toBe('binary');
    const s = shapleyValues(net, { output: 'probability', unit: 0 }, groups, x, bg.rows, bg.count, { method: 'exact' });
    expect(a.exact).toBe(true);
    expect(shown(html, 'shap-bar')).toEqual(Array.from(s.values));
    expect(shown(html, 'shap-base')).toEqual([s.base]);
    expect(shown(html, 'shap-prediction')).toEqual([s.prediction]);
    const sum = shown(html, 'shap-bar').reduce((t, v) => t + v, 0);
    expect(Math.abs(sum - (a.prediction - a.base))).toBeLessThan(1e-12);
    expect(html.match(/data-testid="shap-bar"/g)!.length).toBe(groups.length);
    for (const g of groups) expect(html).toContain(`data-input="${g.name}"`);

    const baseline = new Float64Array(x.length);
    for (let r = 0; r < bg.count; r++) for (let k = 0; k < x.length; k++) baseline[k] += bg.rows[r * x.length + k] / bg.count;
    const ig = integratedGradients(net, { output: 'probability', unit: 0 }, groups, x, baseline);
    expect(shown(html, 'ig-value')).toEqual(Array.from(ig.values));
    expect(cells(html)).toEqual(ig.conductance!.map((row) => Array.from(row)));
  });

  it('has one conductance column per first-layer unit (a1, a2, …), each row summing to the input\'s IG', () => {
    expect(a.hidden).toEqual(layers[0].weights.map((_, k) => `a${k + 1}`));
    const ig = shown(html, 'ig-value');
    const rows = cells(html);
    expect(rows.length).toBe(a.inputs.length);
    rows.forEach((row, i) => {
      expect(row.length).toBe(a.hidden.length);
      expect(Math.abs(row.reduce((t, v) => t + v, 0) - ig[i])).toBeLessThan(1e-9);
    });
    expect(Math.abs(ig.reduce((t, v) => t + v, 0) - (a.prediction - a.igBase))).toBeLessThan(1e-6);
  });

  it('changes with the point', () => {
    const b = pointAttributions(data, c.features, layers, point + 1)!;
    expect(b.shapley).not.toEqual(a.shapley);
    expect(b.base).toBe(a.base);
  });
});
