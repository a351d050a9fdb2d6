/**
 * Issue 14 item 14: `chainrule notes` heads each table with the network it checks (Net 1 / Net 2),
 * not the note's seed file name; the JSON keeps `note` (the file name) and adds `net`.
 */
import { describe, expect, it } from 'vitest';
import { assertBuilt, runCli, tempDir } from '../cli/helpers.js';

describe('notes headings', () => {
  it('text: "Net 1 (the 1-1-1 chain)" then "Net 2 (the 2-2-1 promotion classifier)", no file names', () => {
    assertBuilt();
    const r = runCli(['notes'], tempDir());
    expect(r.status).toBe(0);
    const headings = r.stdout.split('\n').filter((l) => /points \(seed \d+\)/.test(l));
    expect(headings).toEqual([
      'Net 1 (the 1-1-1 chain): 6 points (seed 4); value and finite difference at the first point:',
      'Net 2 (the 2-2-1 promotion classifier): 6 points (seed 4); value and finite difference at the first point:',
    ]);
    expect(r.stdout).not.toMatch(/\.txt/);
  });

  it('--json: every formula keeps its note file name and says its net; Net 1 has the 1-1-1 parameters, Net 2 the 2-2-1 ones', () => {
    const r = runCli(['notes', '--json'], tempDir());
    const formulas = (JSON.parse(r.stdout) as { formulas: { note: string; net: string; name: string }[] }).formulas;
    const byNet = new Map<string, Set<string>>();
    for (const f of formulas) {
      expect(f.note).toMatch(/^\d{3}_[0-9a-f]{16}\.txt$/);
      byNet.set(f.net, (byNet.get(f.net) ?? new Set()).add(f.note));
    }
    expect([...byNet.keys()]).toEqual(['Net 1', 'Net 2']);
    expect([...byNet.values()].map((s) => s.size)).toEqual([1, 1]);
    expect(formulas.filter((f) => f.net === 'Net 1').map((f) => f.name)).toContain('∂L/∂w1');
    expect(formulas.filter((f) => f.net === 'Net 2').some((f) => /w21|w11|w12|w22/.test(f.name))).toBe(true);
  });
});
