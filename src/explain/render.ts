/**
 * Terminal renderings of an explanation and of the notes check: aligned plain text built from
 * the same records the JSON carries (nothing is computed here).
 */
import type { NetworkExplanation } from './explain.js';
import type { ParamFactors } from './types.js';
import { NOTE_NETS, type NotesReport } from './notes/check.js';
import { num } from './format.js';

/** Columns wider than this are not padded to: their cells run on. */
const MAX_ALIGNED = 60;

/** Display width: code points, combining marks not counted. */
function width(s: string): number {
  let n = 0;
  for (const ch of s) if (!/\p{M}/u.test(ch)) n++;
  return n;
}

function pad(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - width(s)));
}

function padStart(s: string, w: number): string {
  return ' '.repeat(Math.max(0, w - width(s))) + s;
}

/** The widest cell of each column. */
function columnWidths(rows: readonly (readonly string[])[]): number[] {
  const widths: number[] = [];
  rows.forEach((row) => row.forEach((cell, c) => { widths[c] = Math.max(widths[c] ?? 0, width(cell)); }));
  return widths;
}

/** Rows of cells as aligned columns (the last column is not padded); `widths` aligns several tables alike. */
export function table(rows: readonly (readonly string[])[], indent = '  ', right: readonly number[] = [], widths = columnWidths(rows)): string[] {
  return rows.map((row) => indent + row.map((cell, c) => {
    if (c === row.length - 1) return right.includes(c) ? padStart(cell, widths[c]) : cell;
    return right.includes(c) ? padStart(cell, widths[c]) : pad(cell, widths[c]);
  }).join('  ').trimEnd());
}

function factorRows(f: ParamFactors): string[][] {
  const rows = f.terms.map((t) => [t.symbol, t.formula, `= ${num(t.value)}`, `${t.meaning}${t.note ? ` ${t.note}` : ''}`]);
  rows.push(['product', '', `= ${num(f.product)}`, f.productForm === 'factored'
    ? 'of the factors above'
    : 'ŷ rounds to 0 or 1, so the factored form is 0·∞: the simplified form is the product']);
  if (f.simplified) rows.push(['simplified', f.simplified.formula, `= ${num(f.simplified.product)}`, 'factors ∂L/∂ŷ·∂ŷ/∂z cancel to ŷ − y']);
  return rows;
}

function renderParam(f: ParamFactors, widths: number[]): string[] {
  const lines = [`∂L/∂${f.label}:  backprop ${num(f.gradient)},  finite difference ${num(f.finiteDifference)}`];
  lines.push(...table(factorRows(f), '    ', [], widths));
  for (const t of f.terms) {
    if (!t.sum) continue;
    lines.push(`    where ${t.symbol} = Σ of`);
    lines.push(...table(t.sum.map((s) => [s.symbol, `${num(s.weight)} · ${num(s.delta)}`, `= ${num(s.value)}`]), '      '));
  }
  return lines;
}

export function renderExplanation(
  doc: Omit<NetworkExplanation, 'prediction' | 'target'> & {
    prediction: number | Record<string, number>; target: number | string; threshold?: number; label?: string;
  },
): string {
  const lines: string[] = [];
  const decision = doc.label === undefined ? '' : doc.threshold !== undefined ? ` (${doc.label}, threshold ${num(doc.threshold)})` : ` (${doc.label})`;
  const shown = typeof doc.prediction === 'number'
    ? num(doc.prediction)
    : Object.entries(doc.prediction).map(([c, p]) => `P(${c}) ${num(p)}`).join(', ');
  const target = typeof doc.target === 'number' ? num(doc.target) : doc.target;
  lines.push(`prediction ŷ = ${shown}${decision}    target y = ${target}    loss L = ${num(doc.loss)}`);
  const cut = doc.truncation;
  if (cut) {
    lines.push(`a large model: the factors of ${cut.factorsShown} of its ${cut.parameters} parameters (the output layer's, then the largest |gradient|); --param NAME for any other, e.g. --param layers[0].weights[0][0]`);
  }
  lines.push('');
  lines.push('each gradient as its chain-rule factors (output side first, as the notes write them):');
  // Capped: one long cell (a deep chain's simplified product) would pad every row of every factor to its width.
  const widths = columnWidths(doc.factors.flatMap(factorRows)).map((w) => Math.min(w, MAX_ALIGNED));
  for (const f of doc.factors) {
    lines.push('');
    lines.push(...renderParam(f, widths));
  }
  lines.push('');
  const over = doc.check.parameters === undefined ? '' : ` (over the ${doc.check.parameters} parameters listed)`;
  lines.push(`check: max |backprop − finite difference| = ${num(doc.check.maxAbsDiff, 3)};  max |product − backprop| = ${num(doc.check.maxProductDiff, 3)}${over}`);
  lines.push('');
  const step = doc.step;
  lines.push(`one gradient-descent step, ${step.rule} with η = ${num(step.lr)}:`);
  const labels = new Map(doc.factors.map((f) => [f.param, f.label]));
  const stepRows = step.parameters.filter((p) => labels.has(p.param)).map((p) => [labels.get(p.param)!, num(p.old), `− ${num(p.lr)} × ${num(p.gradient)}`, `= ${num(p.new)}`]);
  lines.push(...table([['param', 'old', '− η × gradient', 'new'], ...stepRows]));
  lines.push(`  loss on this sample: ${num(step.lossBefore)} → ${num(step.lossAfter)} after the full step`);
  if (doc.inputs && doc.inputs.length) {
    lines.push('');
    lines.push('the prediction and each input:');
    for (const input of doc.inputs) {
      lines.push(`  ${input.name} = ${input.kind === 'numeric' ? num(input.value) : input.value}: ${input.sentence}`);
      if (input.kind === 'numeric') lines.push(`    counterfactual: ${input.counterfactual.sentence}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderNotes(report: NotesReport): string {
  const lines: string[] = [];
  const notes = [...new Set(report.formulas.map((f) => f.note))];
  for (const note of notes) {
    const points = report.points[note];
    // Headings name the network; the seed file name stays in the JSON's `note` only.
    const net = NOTE_NETS[note];
    const heading = net ? `${net.net} (${net.shape})` : note;
    lines.push(`${heading}: ${points.length} points (seed ${report.seed}); value and finite difference at the first point:`);
    const rows: string[][] = [['formula', 'as written', 'value', 'finite diff', 'verdict']];
    const extra = new Map<number, string[]>();
    report.formulas.filter((f) => f.note === note).forEach((f) => {
      rows.push([f.name, f.asWritten, num(f.value, 7), num(f.finiteDifference, 7), f.verdict === 'slips' ? `SLIPS${f.slip ? ` (README slip ${f.slip})` : ''}` : 'holds']);
      const more: string[] = [];
      if (f.reading) more.push(`read as: ${f.reading}`);
      if (f.corrected) more.push(`corrected: ${f.corrected}`);
      if (more.length) extra.set(rows.length - 1, more);
    });
    table(rows, '  ', [2, 3]).forEach((line, r) => {
      lines.push(line);
      for (const m of extra.get(r) ?? []) lines.push(`      ${m}`);
    });
    lines.push('');
  }
  const slips = report.formulas.filter((f) => f.verdict === 'slips').length;
  lines.push(`${report.formulas.length} formulas: ${report.formulas.length - slips} hold, ${slips} slip.`);
  return `${lines.join('\n')}\n`;
}
