/**
 * How large an explanation gets, before building it: the one rule (isLargeNetwork) for which
 * networks get the bounded document of large.ts, and the size estimate it reads. A parameter's
 * chain, as factors.ts builds it, repeats every factor above it while the layers above have one
 * unit, and a layer above with several units adds a δ sum of that many terms; so the full
 * document grows with width × width and, in a deep chain, with depth².
 */
import { activations } from '../math/activations.js';
import { losses } from '../math/losses.js';
import type { Network } from '../math/network.js';

/** Above this many parameters a network's explanation is bounded (DESIGN.md, HTTP /explain). */
export const FULL_EXPLAIN_PARAMETERS = 5000;
/** The bounded document's size limit: bytes of its JSON. */
export const BOUNDED_EXPLAIN_BYTES = 1024 * 1024;
/** A full document estimated over this is bounded too, whatever the parameter count. */
export const FULL_EXPLAIN_BYTES = 16 * 1024 * 1024;
/** JSON bytes of a factor record, a δ-sum term and a parameter's own keys, as measured on hr and chain models. */
const TERM_BYTES = 230;
const SUM_TERM_BYTES = 130;
const PARAM_BYTES = 400;

const encoder = new TextEncoder();

export function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value) ?? '').length;
}

export function parameterCount(net: Network): number {
  return net.layers.reduce((n, layer) => n + layer.units * (layer.inputs + 1), 0);
}

/**
 * Per layer, the shape of one of its parameters' chains as factors.ts builds it: how many factor
 * records, how many δ-sum terms, and whether a simplified copy of the chain follows.
 */
export function chainShapes(net: Network): { terms: number; sums: number; simplified: boolean }[] {
  const last = net.layers.length - 1;
  // Only sigmoid + BCE adds the simplified copy (factors.ts parameterChain).
  const fused = losses[net.loss].fusedWith === 'sigmoid';
  const slopeFactor = (l: number) => {
    const spec = activations[net.layers[l].activation];
    return spec.scope === 'row' || !spec.factor ? 0 : 1;
  };
  const shapes = new Array<{ terms: number; sums: number; simplified: boolean; single: boolean }>(net.layers.length);
  for (let l = last; l >= 0; l--) {
    const act = slopeFactor(l);
    if (l === last) {
      shapes[l] = { terms: 1 + act, sums: 0, simplified: fused, single: true };
      continue;
    }
    const above = net.layers[l + 1];
    shapes[l] = above.units === 1
      ? { terms: shapes[l + 1].terms + 1 + act, sums: shapes[l + 1].sums, simplified: fused && shapes[l + 1].single, single: shapes[l + 1].single }
      : { terms: 1 + act, sums: above.units, simplified: false, single: false };
  }
  // + 1: the local factor ∂z/∂θ.
  return shapes.map((s) => ({ terms: s.terms + 1, sums: s.sums, simplified: s.simplified }));
}

/** Estimated JSON bytes of one factor record of layer l's parameters. */
export function factorBytes(shape: { terms: number; sums: number; simplified: boolean }): number {
  return PARAM_BYTES + shape.terms * TERM_BYTES * (shape.simplified ? 2 : 1) + shape.sums * SUM_TERM_BYTES;
}

/** Estimated JSON bytes of the full document (every parameter's factors). */
export function estimatedFullBytes(net: Network): number {
  const shapes = chainShapes(net);
  return net.layers.reduce((n, layer, l) => n + layer.units * (layer.inputs + 1) * factorBytes(shapes[l]), 0);
}

/** The one rule: which networks get the bounded document. */
export function isLargeNetwork(net: Network): boolean {
  return parameterCount(net) > FULL_EXPLAIN_PARAMETERS || estimatedFullBytes(net) > FULL_EXPLAIN_BYTES;
}
