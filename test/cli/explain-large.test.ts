/**
 * `chainrule explain` on a model too large for the full document (issue 14 item 3): a chain of 300
 * layers of width 1 (each parameter's chain repeats every factor above it, ~70 MB in full; 1,000
 * layers died with "Invalid string length" at 2.7 GB) exits 0 with the bounded document, within
 * 1 MiB as compact JSON, one stderr line naming --param, and --param gives any one parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chainModel, jsonBytes } from '../explain/large-models.js';
import { assertBuilt, removeTempDirs, runCliAsync, tempDir } from './helpers.js';

const MiB = 1024 * 1024;
let dir: string;
let model: string;
beforeAll(() => {
  assertBuilt();
  dir = tempDir();
  model = join(dir, 'chain300.json');
  writeFileSync(model, JSON.stringify(chainModel(300)));
});
afterAll(removeTempDirs);

describe('explain on a 300-layer chain', () => {
  it('--json prints the bounded document and says how to get the rest', async () => {
    const r = await runCliAsync(['explain', '--model', model, '--input', '{"x": 1}', '--target', '1', '--json'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBeLessThan(2 * MiB);
    const doc = JSON.parse(r.stdout);
    expect(doc.truncated).toBe(true);
    expect(jsonBytes(doc)).toBeLessThanOrEqual(MiB);
    expect(doc.truncation).toMatchObject({ parameters: 600, factorsShown: doc.factors.length });
    expect(doc.factors.map((f: { param: string }) => f.param)).toEqual(expect.arrayContaining(['layers[299].weights[0][0]', 'layers[299].bias[0]']));
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^explain: a large model \(600 parameters\).*--param layers\[0\]\.weights\[0\]\[0\]$/)]);
  });

  it('text mode prints the listed factors within bounds and names --param', async () => {
    const r = await runCliAsync(['explain', '--model', model, '--input', '{"x": 1}', '--target', '1'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBeLessThan(2 * MiB);
    expect(r.stdout).toMatch(/a large model: the factors of \d+ of its 600 parameters .*--param NAME/);
    expect(r.stdout).toContain('∂L/∂layer[299].b[0]');
  });

  it('--param gives the one parameter deepest in the chain, all 600 of its factors', async () => {
    const r = await runCliAsync(['explain', '--model', model, '--input', '{"x": 1}', '--target', '1', '--param', 'layers[0].bias[0]', '--json'], dir);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.factors).toHaveLength(1);
    // ∂L/∂ŷ, ∂ŷ/∂z_out, then a link and a slope for each of the 299 layers below the output, then ∂z/∂b.
    expect(doc.factors[0].terms).toHaveLength(2 + 2 * 299 + 1);
    expect(doc.truncated).toBeUndefined();
    expect(r.stderr).toBe('');
  });
});
