/** Model files too large for the full explain document: wide ones from a seeded generator, and a deep chain of width 1, by hand. */
import { createRng } from '../../src/math/rng.js';
import { parseModel, type ModelFile } from '../../src/model/schema.js';

/** Raw numeric inputs x0…x{n−1}, sigmoid hidden layers of the given widths, one sigmoid output with BCE. */
export function wideModel(inputs: number, widths: readonly number[], seed = 7): ModelFile {
  const rng = createRng(seed);
  const sizes = [inputs, ...widths, 1];
  const layers = sizes.slice(1).map((units, l) => ({
    activation: 'sigmoid',
    weights: Array.from({ length: units }, () => Array.from({ length: sizes[l] }, () => rng.normal() / Math.sqrt(sizes[l]))),
    bias: Array.from({ length: units }, () => rng.normal() * 0.1),
  }));
  return parse({ inputs: Array.from({ length: inputs }, (_, i) => ({ name: `x${i}`, kind: 'numeric' })), layers });
}

/** `depth` sigmoid layers of one unit each on one raw input: every chain repeats the factors above it. */
export function chainModel(depth: number): ModelFile {
  const layers = Array.from({ length: depth }, (_, l) => ({ activation: 'sigmoid', weights: [[l % 2 ? 1.5 : -1.2]], bias: [0.1] }));
  return parse({ inputs: [{ name: 'x', kind: 'numeric' }], layers });
}

function parse(body: { inputs: unknown[]; layers: unknown[] }): ModelFile {
  return parseModel({ format: 'chainrule/model', version: 1, ...body, target: { name: 'y', positive: '1' }, loss: 'bce', threshold: 0.5 });
}

/** A record for wideModel(inputs): x_i = sin(i + 1). */
export function wideRecord(inputs: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: inputs }, (_, i) => [`x${i}`, Math.sin(i + 1)]));
}

/** Bytes of a value's compact JSON, as HTTP sends it. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}
