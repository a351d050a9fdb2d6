/**
 * The notes mode's lesson (web/src/notes.ts), checked against closed forms worked by hand from the
 * notes and against central finite differences written here, not against the explain module.
 */
import { describe, expect, it } from 'vitest';
import { buildLesson, net1Case, plugIn, type NotesCase } from '../../web/src/notes.js';
import { checkNotes } from '../../src/explain/notes/check.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const bce = (p: number, y: number) => -(y * Math.log(p) + (1 - y) * Math.log(1 - p));

describe('notes mode, Net 1 at the README point (x 0.9, y 0, w1 0.8, b1 −0.3, w2 1.3, b2 0.4)', () => {
  const lesson = buildLesson(net1Case());
  const z = 0.9 * 0.8 - 0.3;
  const zp = z * 1.3 + 0.4;
  const yhat = sigmoid(zp);

  it('walks the forward pass x → z → z\' → ŷ → L with the values', () => {
    const forward = lesson.steps.filter((s) => s.kind === 'forward');
    expect(forward.map((s) => s.formula)).toEqual(['x = raw', 'z = x·w1 + b1', "z' = z·w2 + b2", "ŷ = σ(z') = 1/(1 + e^{−z'})", 'L = −[y·log ŷ + (1−y)·log(1−ŷ)]']);
    expect(forward[1].plugged).toBe('z = 0.9·0.8 + (−0.3)');
    expect(forward[1].value).toBeCloseTo(z, 14);
    expect(forward[2].value).toBeCloseTo(zp, 14);
    expect(forward[3].value).toBeCloseTo(yhat, 14);
    expect(forward[4].value).toBeCloseTo(bce(yhat, 0), 12);
  });

  it('reaches factors (1)–(7) by their numbers, each with its formula, numbers plugged in and value', () => {
    const factors = lesson.steps.filter((s) => s.kind === 'factor');
    expect([...new Set(factors.map((s) => s.note))].sort()).toEqual(['(1)', '(2)', '(3)', '(4)', '(5)', '(6)', '(7)']);
    const byNote = (n: string) => factors.find((s) => s.note === n)!;
    expect(byNote('(1)').value).toBeCloseTo(1 / (1 - yhat), 12);
    expect(byNote('(1)').plugged).toBe(`−[0/${Number(yhat.toPrecision(6))} − (1−0)/(1−${Number(yhat.toPrecision(6))})]`);
    expect(byNote('(2)').value).toBeCloseTo(yhat * (1 - yhat), 14);
    expect(byNote('(3)').value).toBe(1.3);
    expect(byNote('(4)').value).toBe(0.9);
    expect(byNote('(6)').value).toBeCloseTo(z, 14);
    expect(byNote('(5)').value).toBe(1);
    // Each factor lights its place: (1) the loss, (2) the output node, (3) the edge w2, (4) the edge w1.
    const w1 = factors.filter((s) => s.param === 'w1');
    expect(w1.map((s) => s.highlight[0])).toEqual([{ kind: 'loss', id: 'L' }, { kind: 'node', id: 'ŷ' }, { kind: 'edge', id: 'w2' }, { kind: 'edge', id: 'w1' }]);
  });

  it('gives each product with its finite-difference check, and the note\'s slip 1 beside the correct ∂L/∂w1', () => {
    const loss = (w1: number) => bce(sigmoid((0.9 * w1 - 0.3) * 1.3 + 0.4), 0);
    const h = 1e-6;
    const fd = (loss(0.8 + h) - loss(0.8 - h)) / (2 * h);
    const product = lesson.steps.find((s) => s.kind === 'product' && s.param === 'w1')!;
    expect(product.value).toBeCloseTo(yhat * 1.3 * 0.9, 12);
    expect(Math.abs(product.value! - fd)).toBeLessThan(1e-8);
    expect(product.value).toBeCloseTo(0.842763, 6);
    const slip = product.notes![0];
    expect(slip.verdict).toBe('slips');
    expect(slip.slip).toBe(1);
    expect(slip.valueAsWritten).toBeCloseTo(1.001004, 6);
    expect(slip.corrected).toContain('(ŷ − y)·w2·x');
    const b2 = lesson.steps.find((s) => s.kind === 'product' && s.param === 'b2')!;
    expect(b2.notes![0].verdict).toBe('holds');
  });

  it('takes the gradient-descent step θ ← θ − η·g and reports the loss before and after', () => {
    const update = lesson.steps.find((s) => s.kind === 'update' && s.param === 'w1')!;
    expect(update.numbers!.new).toBeCloseTo(0.8 - 0.5 * yhat * 1.3 * 0.9, 12);
    const g = (p: number) => p; // ŷ − y with y = 0
    const w1 = 0.8 - 0.5 * g(yhat) * 1.3 * 0.9;
    const b1 = -0.3 - 0.5 * g(yhat) * 1.3;
    const w2 = 1.3 - 0.5 * g(yhat) * z;
    const b2 = 0.4 - 0.5 * g(yhat);
    expect(update.numbers!.lossAfter).toBeCloseTo(bce(sigmoid((0.9 * w1 + b1) * w2 + b2), 0), 12);
    expect(update.numbers!.lossAfter).toBeLessThan(update.numbers!.lossBefore);
  });
});

describe('notes mode, Net 2 (2-2-1) with standardised inputs', () => {
  const c: NotesCase = {
    net: 'net2', lr: 0.5, target: 1,
    record: { years_experience: 6, performance_score: 82 },
    model: {
      format: 'chainrule/model', version: 1,
      inputs: [{ name: 'years_experience', kind: 'numeric', mean: 10.04, std: 5.77 }, { name: 'performance_score', kind: 'numeric', mean: 70, std: 15 }],
      target: { name: 'promoted', positive: '1' },
      layers: [
        { activation: 'sigmoid', weights: [[0.5, -1.2], [1.5, 0.7]], bias: [0.1, -0.4] },
        { activation: 'sigmoid', weights: [[-2, 1.1]], bias: [0.3] },
      ],
      loss: 'bce', threshold: 0.5,
    },
  };
  const lesson = buildLesson(c);
  const x1 = (6 - 10.04) / 5.77;
  const x2 = (82 - 70) / 15;
  const a1 = sigmoid(0.5 * x1 - 1.2 * x2 + 0.1);
  const a2 = sigmoid(1.5 * x1 + 0.7 * x2 - 0.4);
  const yhat = sigmoid(-2 * a1 + 1.1 * a2 + 0.3);

  it('shows the raw and the standardised input side by side', () => {
    const input = lesson.steps[0];
    expect(input.plugged).toBe('x1 = (6 − 10.04) / 5.77');
    expect(input.value).toBeCloseTo(-0.7002, 4);
  });

  it('names every parameter as note 004 does and multiplies out the hidden chain', () => {
    const params = [...new Set(lesson.steps.filter((s) => s.kind === 'product').map((s) => s.param))];
    expect(params).toEqual(['w1', 'w2', 'b3', 'w11', 'w21', 'w12', 'w22', 'b1', 'b2']);
    const w21 = lesson.steps.filter((s) => s.kind === 'factor' && s.param === 'w21');
    expect(w21.map((s) => s.symbol)).toEqual(['∂L/∂ŷ', '∂ŷ/∂z_f', '∂z_f/∂a1', '∂a1/∂z1', '∂z1/∂w21']);
    expect(w21.map((s) => s.highlight[0].id)).toEqual(['L', 'ŷ', 'w1', 'a1', 'w21']);
    expect(w21[3].plugged).toBe(`${Number(a1.toPrecision(6))}(1 − ${Number(a1.toPrecision(6))})`);
    const product = lesson.steps.find((s) => s.kind === 'product' && s.param === 'w21')!;
    expect(product.value).toBeCloseTo((yhat - 1) * -2 * a1 * (1 - a1) * x2, 12);
  });

  it('flags the note\'s sign slips with their values as written beside the correct ones', () => {
    const b3 = lesson.steps.find((s) => s.kind === 'product' && s.param === 'b3')!;
    expect(b3.notes![0]).toMatchObject({ verdict: 'slips', slip: 2 });
    expect(b3.notes![0].valueAsWritten).toBeCloseTo(1 - yhat, 14);
    // The hidden-weight line as written is the negative of the true gradient, for every hidden weight.
    for (const param of ['w11', 'w21', 'w12', 'w22']) {
      const step = lesson.steps.find((s) => s.kind === 'product' && s.param === param)!;
      const line = step.notes!.find((n) => n.name === 'hidden weight gradient')!;
      expect(line.verdict, param).toBe('slips');
      expect(line.valueAsWritten, param).toBeCloseTo(-step.value!, 12);
    }
  });
});

describe('the notes check', () => {
  it('names every formula once across both notes (the lesson finds verdicts by name)', () => {
    const names = checkNotes().formulas.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('plugIn', () => {
  it('replaces whole symbols only, z\' before z, negatives in parentheses', () => {
    expect(plugIn("e^{−z'}/(1+e^{−z'})² · z · x1", { "z'": -0.5, z: 2, x1: 3 })).toBe('e^{−(−0.5)}/(1+e^{−(−0.5)})² · 2 · 3');
    expect(plugIn('z_f = w1·a1 + w2·a2 + b3', { z_f: 1, w1: 0.25, a1: 0.5 })).toBe('1 = 0.25·0.5 + w2·a2 + b3');
  });
});
