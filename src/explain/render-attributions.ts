/**
 * Terminal renderings of an attributions document and of constrained counterfactuals: φ per
 * input as a sorted two-sided text bar chart (negative to the left of the axis, positive to the
 * right) under a line with base and prediction. Only formats the records the JSON carries.
 */
import type { Attributions } from './attributions/types.js';
import { num, signed } from './format.js';

/** The document as explain carries it: the contract's fields plus what produced it. */
export interface RenderableAttributions extends Attributions {
  readonly backgroundRows?: number;
  readonly permutations?: number;
  readonly nodes?: number;
  readonly conductance?: readonly { readonly input: string; readonly units: readonly { readonly unit: string; readonly value: number }[] }[];
}

export interface RenderableCounterfactual {
  readonly changes: readonly { readonly input: string; readonly from: number | string | null; readonly to: number | string }[];
  readonly distance: number;
  readonly prediction: number;
  readonly label: string;
}

/** Bar cells per side of the axis. */
const HALF = 24;

function bar(value: number, largest: number): string {
  const cells = largest > 0 ? Math.round((HALF * Math.abs(value)) / largest) : 0;
  const left = value < 0 ? '█'.repeat(cells).padStart(HALF) : ' '.repeat(HALF);
  const right = value > 0 ? '█'.repeat(cells) : '';
  return `${left}│${right}`.trimEnd();
}

/** `target`: the target column's name, for a regression model's heading ("Shapley values of salary"). */
function heading(doc: RenderableAttributions, target?: string): string {
  const output = doc.output === 'probability' ? `P(${doc.class ?? 'positive'})` : (target ?? 'the output');
  if (doc.method === 'shapley') {
    const how = doc.exact
      ? 'exact, all coalitions'
      : `estimated from ${doc.permutations ?? '?'} permutations; ± is the standard error`;
    const against = doc.backgroundRows === 1 ? 'one baseline row' : `${doc.backgroundRows ?? '?'} background rows`;
    return `Shapley values of ${output} (${how}; against ${against})`;
  }
  return `Integrated gradients of ${output} from the baseline (${doc.nodes ?? '?'} Gauss–Legendre nodes${doc.exact ? '' : ', not converged'})`;
}

export function renderAttributions(doc: RenderableAttributions, target?: string): string {
  const sorted = [...doc.values].sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.input.localeCompare(b.input));
  const largest = Math.max(0, ...sorted.map((v) => Math.abs(v.value)));
  const nameWidth = Math.max(...sorted.map((v) => v.input.length));
  const cells = sorted.map((v) => `${signed(v.value, 4)}${v.standardError !== undefined ? ` ± ${num(v.standardError, 2)}` : ''}`);
  const valueWidth = Math.max(...cells.map((c) => c.length));
  const sum = doc.values.reduce((s, v) => s + v.value, 0);
  const lines = [
    heading(doc, target),
    `  base ${num(doc.base, 6)} + Σφ ${signed(sum, 6)} = ${num(doc.base + sum, 6)}; prediction ${num(doc.prediction, 6)} (gap ${doc.gap.toExponential(1)})`,
    ...sorted.map((v, i) => `  ${v.input.padEnd(nameWidth)}  ${cells[i].padStart(valueWidth)}  ${bar(v.value, largest)}`),
  ];
  if (doc.conductance) {
    lines.push('  through the first hidden layer (conductance; each row sums to the input\'s value):');
    for (const c of doc.conductance) {
      lines.push(`    ${c.input.padEnd(nameWidth)}  ${c.units.map((u) => `${u.unit} ${signed(u.value, 4)}`).join(', ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const show = (v: number | string | null): string => (v === null ? '(none)' : typeof v === 'number' ? num(v, 4) : v);

export function renderCounterfactuals(list: readonly RenderableCounterfactual[]): string {
  if (list.length === 0) return 'Counterfactuals: none within the constraints\n';
  const lines = ['Counterfactuals (nearest first; distance in training-std units, 1 per category change):'];
  for (const cf of list) {
    const changes = cf.changes.map((c) => `${c.input} ${show(c.from)} → ${show(c.to)}`).join(', ');
    lines.push(`  ${changes}  (distance ${num(cf.distance, 3)}): ${cf.label}, ŷ = ${num(cf.prediction, 10)}`);
  }
  return `${lines.join('\n')}\n`;
}
