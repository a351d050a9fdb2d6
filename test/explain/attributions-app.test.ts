/**
 * The attributions, counterfactual and importance use cases (src/app): raw records and tables
 * encoded with the model's encoders, the background sampled as DESIGN.md says, the notes' names
 * for conductance, and bad input refused with an InputError naming the field.
 */
import { describe, expect, it } from 'vitest';
import { tableFromRows } from '../../src/data/csv.js';
import { parseModel } from '../../src/model/schema.js';
import type { ModelFile } from '../../src/model/schema.js';
import { InputError } from '../../src/errors.js';
import { explainAttributions, explainCounterfactuals, sampleRows } from '../../src/app/attributions.js';
import { importanceForTable } from '../../src/app/importance.js';

/** The notes' Net 2 with given weights, raw inputs (a hand-written model file). */
const net2: ModelFile = parseModel({
  format: 'chainrule/model', version: 1,
  inputs: [{ name: 'years_experience', kind: 'numeric' }, { name: 'performance_score', kind: 'numeric' }],
  target: { name: 'promoted', positive: '1' },
  layers: [
    { activation: 'sigmoid', weights: [[0.15, -0.4], [0.6, 0.35]], bias: [0.1, -0.25] },
    { activation: 'sigmoid', weights: [[1.2, -0.8]], bias: [0.05] },
  ],
  loss: 'bce', threshold: 0.5,
});

/** A standardised model with a categorical input. */
const hr: ModelFile = parseModel({
  format: 'chainrule/model', version: 1,
  inputs: [
    { name: 'years', kind: 'numeric', mean: 6, std: 3 },
    { name: 'dept', kind: 'categorical', categories: ['HR', 'Sales', 'Tech'] },
    { name: 'score', kind: 'numeric', mean: 70, std: 10 },
  ],
  target: { name: 'promoted', positive: '1' },
  layers: [
    { activation: 'tanh', weights: [[1.1, 0.3, -0.2, 0.5, 0.9], [-0.4, 0.8, 0.1, -0.6, 0.7], [0.2, -0.5, 0.9, 0.3, -0.3]], bias: [0.1, 0, -0.2] },
    { activation: 'sigmoid', weights: [[1.5, -1.1, 0.8]], bias: [-0.3] },
  ],
  loss: 'bce', threshold: 0.5,
});

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
/** Net 2 in scalars, as the notes write it. */
function net2Forward(x1: number, x2: number): number {
  const a1 = sigmoid(0.15 * x1 - 0.4 * x2 + 0.1);
  const a2 = sigmoid(0.6 * x1 + 0.35 * x2 - 0.25);
  return sigmoid(1.2 * a1 - 0.8 * a2 + 0.05);
}

function fieldOf(fn: () => unknown): { field: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return { field: err.field, message: err.message };
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('attributions of a model file', () => {
  it('Shapley of Net 2 with one baseline row: two inputs, closed form φ1 = ½[f(x1,b2) − f(b) + f(x) − f(b1,x2)]', () => {
    const doc = explainAttributions(net2, { years_experience: 6, performance_score: 0.8 }, { method: 'shapley', baseline: { years_experience: 1, performance_score: -0.5 } });
    const f = net2Forward;
    const phi1 = 0.5 * (f(6, -0.5) - f(1, -0.5) + f(6, 0.8) - f(1, 0.8));
    const phi2 = 0.5 * (f(1, 0.8) - f(1, -0.5) + f(6, 0.8) - f(6, -0.5));
    expect(doc.method).toBe('shapley');
    expect(doc.output).toBe('probability');
    expect(doc.exact).toBe(true);
    expect(doc.values.map((v) => v.input)).toEqual(['years_experience', 'performance_score']);
    expect(Math.abs(doc.values[0].value - phi1)).toBeLessThan(1e-15);
    expect(Math.abs(doc.values[1].value - phi2)).toBeLessThan(1e-15);
    expect(Math.abs(doc.base - f(1, -0.5))).toBeLessThan(1e-15);
    expect(Math.abs(doc.prediction - f(6, 0.8))).toBeLessThan(1e-15);
    expect(doc.backgroundRows).toBe(1);
  });

  it('integrated gradients of Net 2 flow through a1 and a2, and each input\'s conductance sums to its value', () => {
    const doc = explainAttributions(net2, { years_experience: 6, performance_score: 0.8 }, { method: 'integrated-gradients', baseline: { years_experience: 0, performance_score: 0 } });
    expect(doc.gap).toBeLessThan(1e-6);
    expect(doc.exact).toBe(true);
    expect(Math.abs(doc.values[0].value + doc.values[1].value - (net2Forward(6, 0.8) - net2Forward(0, 0)))).toBeLessThan(1e-6);
    expect(doc.conductance?.map((c) => c.units.map((u) => u.unit))).toEqual([['a1', 'a2'], ['a1', 'a2']]);
    doc.conductance?.forEach((c, i) => expect(Math.abs(c.units[0].value + c.units[1].value - doc.values[i].value)).toBeLessThan(1e-12));
    // x2 = 0.8 flows into a1 with weight w21 = −0.4 and into a2 with w22 = 0.35; a1 raises ŷ (w1 = 1.2), a2 lowers it (w2 = −0.8): both paths lower ŷ.
    const [, x2] = doc.conductance ?? [];
    expect(x2.units[0].value).toBeLessThan(0);
    expect(x2.units[1].value).toBeLessThan(0);
  });

  it('with a background of at most backgroundSize rows uses them all; beyond, a seeded sample without replacement', () => {
    expect(sampleRows(5, 100, 1)).toEqual([0, 1, 2, 3, 4]);
    const sample = sampleRows(1000, 100, 7);
    expect(new Set(sample).size).toBe(100);
    expect(sample.every((r) => r >= 0 && r < 1000)).toBe(true);
    expect(sampleRows(1000, 100, 7)).toEqual(sample);
    expect(sampleRows(1000, 100, 8)).not.toEqual(sample);
    const rows = Array.from({ length: 150 }, (_, i) => [String(i % 17), ['HR', 'Sales', 'Tech'][i % 3], String(50 + (i * 7) % 45), String(i % 2)]);
    const table = tableFromRows('bg.csv', ['years', 'dept', 'score', 'promoted'], rows);
    const input = { years: 3, dept: 'Sales', score: 64 };
    const fromTable = explainAttributions(hr, input, { method: 'shapley', background: table, backgroundSize: 40, seed: 3 });
    expect(fromTable.backgroundRows).toBe(40);
    // The same rows given as records (the HTTP way) give the same document.
    const picked = sampleRows(150, 40, 3).map((r) => ({ years: rows[r][0], dept: rows[r][1], score: Number(rows[r][2]) }));
    const fromRecords = explainAttributions(hr, input, { method: 'shapley', background: picked, backgroundSize: 40 });
    expect(fromRecords).toEqual(fromTable);
    expect(fromTable.values.map((v) => v.input)).toEqual(['years', 'dept', 'score']);
    expect(fromTable.gap).toBeLessThan(1e-12);
  });

  it('refuses bad input naming the field: unknown method, a background column the model does not know, a baseline missing an input, too many rows', () => {
    const input = { years: 3, dept: 'Sales', score: 64 };
    let e = fieldOf(() => explainAttributions(hr, input, { method: 'lime' }));
    expect(e.field).toBe('attributions');
    expect(e.message).toContain('"lime"');
    e = fieldOf(() => explainAttributions(hr, input, { method: 'shapley', background: [{ years: 1, dept: 'HR', score: 50 }, { years: 2, dept: 'HR', scor: 50 }] }));
    expect(e.field).toBe('background');
    expect(e.message).toMatch(/background\[1\].*"scor"/);
    e = fieldOf(() => explainAttributions(hr, input, { method: 'shapley', baseline: { years: 1, dept: 'HR' } }));
    expect(e.field).toBe('baseline');
    expect(e.message).toContain('score');
    e = fieldOf(() => explainAttributions(hr, input, { method: 'shapley', background: Array.from({ length: 10_001 }, () => input) }));
    expect(e.field).toBe('background');
    expect(e.message).toContain('10001');
    e = fieldOf(() => explainAttributions(hr, input, { method: 'shapley', backgroundSize: 0, background: [input] }));
    expect(e.field).toBe('backgroundSize');
    e = fieldOf(() => explainAttributions(hr, input, { method: 'integrated-gradients', background: [input] }));
    expect(e.field).toBe('background');
  });
});

describe('counterfactuals of a model file', () => {
  it('respect immutables and ranges, and each crosses the threshold through the model\'s encoder', () => {
    const input = { years: 3, dept: 'Sales', score: 64 };
    const all = explainCounterfactuals(hr, input, { maxChanges: 2 });
    expect(all.length).toBeGreaterThan(0);
    const constrained = explainCounterfactuals(hr, input, { immutable: ['dept'], ranges: { score: [60, 75] }, maxChanges: 2 });
    for (const cf of constrained) {
      expect(cf.changes.map((c) => c.input)).not.toContain('dept');
      for (const c of cf.changes) if (c.input === 'score') expect((c.to as number) >= 60 && (c.to as number) <= 75).toBe(true);
      expect(cf.label).toBe(cf.prediction > 0.5 ? 'promoted' : 'not promoted');
    }
    expect(fieldOf(() => explainCounterfactuals(hr, input, { immutable: ['age'] })).field).toBe('immutable');
    expect(fieldOf(() => explainCounterfactuals(hr, input, { ranges: { dept: [0, 1] } })).field).toBe('ranges');
    expect(fieldOf(() => explainCounterfactuals(hr, input, { maxChanges: 4 })).field).toBe('maxChanges');
  });
});

describe('importance of a model file', () => {
  it('is the drop of accuracy per input with its std, seeded, with partial dependence for numeric inputs only', () => {
    const rows = Array.from({ length: 200 }, (_, i) => {
      const years = (i * 37) % 17;
      const score = 50 + ((i * 53) % 45);
      const dept = ['HR', 'Sales', 'Tech'][(i * 7) % 3];
      return [String(years), dept, String(score), String(years > 6 ? 1 : 0)];
    });
    const table = tableFromRows('hr.csv', ['years', 'dept', 'score', 'promoted'], rows);
    const doc = importanceForTable(hr, table, { repeats: 4, seed: 2 });
    expect(doc.metric).toBe('accuracy');
    expect(doc.importances.map((i) => i.input)).toEqual(['years', 'dept', 'score']);
    expect(doc.partialDependence.map((p) => p.input)).toEqual(['years', 'score']);
    expect(doc.partialDependence[0].grid[0]).toBe(0);
    expect(doc.partialDependence[0].grid.at(-1)).toBe(16);
    expect(importanceForTable(hr, table, { repeats: 4, seed: 2 })).toEqual(doc);
    expect(fieldOf(() => importanceForTable(hr, table, { metric: 'f2' })).field).toBe('metric');
  });
});

describe('the terminal rendering', () => {
  it('sorts inputs by |φ|, draws negative bars left of the axis and positive right, with base and prediction', async () => {
    const { renderAttributions, renderCounterfactuals } = await import('../../src/explain/render-attributions.js');
    const text = renderAttributions({
      method: 'shapley', output: 'probability', base: 0.4, prediction: 0.65, exact: true, gap: 0, backgroundRows: 1,
      values: [{ input: 'small', value: 0.05 }, { input: 'negative', value: -0.1 }, { input: 'large', value: 0.3 }],
    });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toContain('exact');
    expect(lines[1]).toContain('base 0.4');
    expect(lines[1]).toContain('prediction 0.65');
    expect(lines.slice(2).map((l) => l.trim().split(/\s+/)[0])).toEqual(['large', 'negative', 'small']);
    const axis = (l: string) => l.indexOf('│');
    expect(new Set(lines.slice(2).map(axis)).size).toBe(1);
    const [large, negative, small] = lines.slice(2);
    expect(large.slice(axis(large) + 1)).toBe('█'.repeat(24));
    expect(negative.slice(axis(negative) - 8, axis(negative))).toBe('█'.repeat(8));
    expect(negative.slice(axis(negative) + 1)).toBe('');
    expect(small.slice(axis(small) + 1)).toBe('█'.repeat(4));
    const cf = renderCounterfactuals([{ changes: [{ input: 'years', from: 3, to: 5.5 }, { input: 'dept', from: 'HR', to: 'Tech' }], distance: 1.83, prediction: 0.52, label: 'promoted' }]);
    expect(cf).toContain('years 3 → 5.5, dept HR → Tech');
    expect(cf).toContain('distance 1.83');
  });
});

describe('the attributions math stays pure', () => {
  it('src/explain/attributions imports only src/math, src/model (schema types, the encoder\'s scaling) and explain\'s own modules', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../src/explain/attributions/', import.meta.url);
    const allowed = /^(\.\.\/\.\.\/math\/|\.\.\/\.\.\/model\/(schema|encoding)\.js$|\.\.\/(prediction|naming|format)\.js$|\.\/)/;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      for (const [, from] of source.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)) {
        expect(`${file}: ${from}`).toMatch(new RegExp(`: ${allowed.source.slice(1)}`));
      }
    }
  });
});
