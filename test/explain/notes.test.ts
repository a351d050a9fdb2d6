/** `chainrule notes`: every formula of the two notes with a verdict; exactly the README's slips. */
import { afterAll, describe, expect, it } from 'vitest';
import { checkNotes } from '../../src/explain/index.js';
import type { Net2Point } from '../../src/explain/notes/net2.js';
import { lossAt } from '../../src/explain/check.js';
import { assertBuilt, removeTempDirs, runCli, tempDir } from '../cli/helpers.js';
import { net2 } from './networks.js';

const NOTE_000 = '000_f07800b800138cf1.txt';
const NOTE_004 = '004_71aa89032b144a76.txt';

/** The README's slips 1–6, as the formulas that carry them (note, formula name, README number). */
const EXPECTED_SLIPS = [
  [NOTE_000, '∂L/∂w1', 1],
  [NOTE_004, 'output bias gradient', 2],
  [NOTE_004, '∂f/∂a (output error)', 3],
  [NOTE_004, 'hidden weight gradient', 3],
  [NOTE_004, 'hidden bias gradient', 3],
  [NOTE_004, 'weight update (the step −η·(…))', 3],
  [NOTE_004, 'bias update (the step −η·(…))', 3],
  [NOTE_004, 'hidden weight, δ line with a2(1−a2)', 4],
  [NOTE_004, 'hidden bias, δ line with a2(1−a2)', 4],
  [NOTE_004, 'first block z1 (w12 reused)', 5],
  [NOTE_004, 'one bias b shared by z1, z2, z_f', 5],
  [NOTE_004, 'header ŷ = Wx + b', 6],
].map(([note, name, slip]) => `${note} | ${name} | ${slip}`).sort();

afterAll(removeTempDirs);

describe('checking the notes', () => {
  const report = checkNotes();

  it('flags exactly the README\'s slips and no others', () => {
    const slips = report.formulas.filter((f) => f.verdict === 'slips').map((f) => `${f.note} | ${f.name} | ${f.slip}`).sort();
    expect(slips).toEqual(EXPECTED_SLIPS);
    expect(new Set(report.formulas.filter((f) => f.slip).map((f) => f.slip))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    for (const f of report.formulas) {
      expect(f.corrected === null).toBe(f.verdict === 'holds');
      // A verdict holds at every point or slips at one or more.
      expect(f.points.length).toBe(6);
    }
  });

  it('covers factors (1)–(7) and the four gradients of note 000, each holding except ∂L/∂w1', () => {
    const names = report.formulas.filter((f) => f.note === NOTE_000).map((f) => f.name);
    for (const k of [1, 2, 3, 4, 5, 6, 7]) expect(names.some((n) => n.startsWith(`factor (${k})`))).toBe(true);
    expect(names).toEqual(expect.arrayContaining(['∂L/∂w1', '∂L/∂b1', '∂L/∂w2', '∂L/∂b2']));
  });

  it('evaluates the README example first: the note\'s ∂L/∂w1 gives 1.001004, finite differences 0.842763', () => {
    expect(report.points[NOTE_000][0]).toEqual({ x: 0.9, y: 0, w1: 0.8, b1: -0.3, w2: 1.3, b2: 0.4 });
    const w1 = report.formulas.find((f) => f.note === NOTE_000 && f.name === '∂L/∂w1')!;
    expect(w1.value.toFixed(6)).toBe('1.001004');
    expect(w1.finiteDifference.toFixed(6)).toBe('0.842763');
  });

  it('the note\'s update lines climb the loss at every point; the corrected step descends', () => {
    const update = report.formulas.find((f) => f.name === 'weight update (the step −η·(…))')!;
    (report.points[NOTE_004] as Net2Point[]).forEach((p, k) => {
      const x = [p.x1, p.x2];
      const before = lossAt(net2(p), x, p.y);
      // The note's w is the weight x2 → a1 (w21 here); `value` is its step as written.
      const asWritten = lossAt(net2({ ...p, w21: p.w21 + update.points[k].value }), x, p.y);
      const corrected = lossAt(net2({ ...p, w21: p.w21 + update.points[k].finiteDifference }), x, p.y);
      expect(asWritten).toBeGreaterThan(before);
      expect(corrected).toBeLessThan(before);
    });
  });

  it('chainrule notes --json (built CLI) lists every formula with a verdict and the same slips', () => {
    assertBuilt();
    const r = runCli(['notes', '--json'], tempDir());
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { formulas: { note: string; name: string; asWritten: string; value: number; finiteDifference: number; verdict: string; corrected: string | null; slip?: number }[] };
    expect(doc.formulas.length).toBe(report.formulas.length);
    for (const f of doc.formulas) {
      expect([NOTE_000, NOTE_004]).toContain(f.note);
      expect(['holds', 'slips']).toContain(f.verdict);
      expect(typeof f.asWritten).toBe('string');
      expect(Number.isFinite(f.value) && Number.isFinite(f.finiteDifference)).toBe(true);
    }
    expect(doc.formulas.filter((f) => f.verdict === 'slips').map((f) => `${f.note} | ${f.name} | ${f.slip}`).sort()).toEqual(EXPECTED_SLIPS);
  });

  it('chainrule notes prints the table with SLIPS and the corrected formulas', () => {
    const r = runCli(['notes'], tempDir());
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/∂L\/∂w1 .* 1\.001004 +0\.8427627 +SLIPS \(README slip 1\)/);
    expect(r.stdout).toContain("corrected: ∂L/∂w1 = −[y/ŷ − (1−y)/(1−ŷ)] · e^{−z'}/(1+e^{−z'})² · w2 · x = (ŷ − y)·w2·x");
    expect(r.stdout).toMatch(/32 formulas: 20 hold, 12 slip\./);
  });
});
