/**
 * Names of parameters and quantities. Models shaped like the notes' networks get the notes' names:
 *   1-1-1 (Net 1, note 000): z = x·w1 + b1, z' = z·w2 + b2, ŷ = σ(z')           → w1, b1, w2, b2
 *   2-2-1 (Net 2, note 004): z1 = w11·x1 + w21·x2 + b1, z2 = w12·x1 + w22·x2 + b2,
 *                            z_f = w1·a1 + w2·a2 + b3, ŷ = σ(z_f)              → w11, w21, w12, w22, b1, b2, w1, w2, b3
 * where w_ij (input i → hidden unit j) is layers[0].weights[j-1][i-1] (DESIGN.md). Any other
 * shape is named by position: `layers[l].weights[j][i]` in JSON, `layer[l].w[j][i]` on a terminal.
 */
import type { Network } from '../math/network.js';

export type Shape = 'net1' | 'net2' | 'generic';

export function networkShape(net: Network): Shape {
  const widths = [net.layers[0].inputs, ...net.layers.map((l) => l.units)];
  if (widths.join('-') === '1-1-1') return 'net1';
  if (widths.join('-') === '2-2-1') return 'net2';
  return 'generic';
}

export interface Naming {
  readonly shape: Shape;
  /** JSON name of weights[j][i] of layer l, or of bias[j] when i is undefined. */
  param(l: number, j: number, i?: number): string;
  /** Terminal name of the same parameter. */
  label(l: number, j: number, i?: number): string;
  /** Symbol of the weight inside formulas (same as the label). */
  weight(l: number, j: number, i: number): string;
  /** Pre-activation of unit j of layer l. */
  z(l: number, j: number): string;
  /** Activation of unit j of layer l (ŷ for the output). */
  a(l: number, j: number): string;
  /** The layer's input i: x for layer 0, the previous activation otherwise. */
  input(l: number, i: number): string;
}

export function createNaming(net: Network): Naming {
  const shape = networkShape(net);
  const last = net.layers.length - 1;
  const hiddenLinear = net.layers[0].activation === 'linear';
  const generic = {
    param: (l: number, j: number, i?: number) => (i === undefined ? `layers[${l}].bias[${j}]` : `layers[${l}].weights[${j}][${i}]`),
    label: (l: number, j: number, i?: number) => (i === undefined ? `layer[${l}].b[${j}]` : `layer[${l}].w[${j}][${i}]`),
    z: (l: number, j: number) => (l === last ? 'z_out' : `z[${l}][${j}]`),
    a: (l: number, j: number) => (l === last ? 'ŷ' : `a[${l}][${j}]`),
    x: (i: number) => `x[${i}]`,
  };
  let notes: { param: (l: number, j: number, i?: number) => string; z: (l: number, j: number) => string; a: (l: number, j: number) => string; x: (i: number) => string } | undefined;
  if (shape === 'net1') {
    notes = {
      param: (l, _j, i) => `${i === undefined ? 'b' : 'w'}${l + 1}`,
      z: (l) => (l === 0 ? 'z' : "z'"),
      // Net 1 has no hidden activation: the hidden output is z itself.
      a: (l) => (l === 1 ? 'ŷ' : hiddenLinear ? 'z' : 'a'),
      x: () => 'x',
    };
  } else if (shape === 'net2') {
    notes = {
      param: (l, j, i) => {
        if (l === 0) return i === undefined ? `b${j + 1}` : `w${i + 1}${j + 1}`;
        return i === undefined ? 'b3' : `w${i + 1}`;
      },
      z: (l, j) => (l === 0 ? `z${j + 1}` : 'z_f'),
      a: (l, j) => (l === 0 ? `a${j + 1}` : 'ŷ'),
      x: (i) => `x${i + 1}`,
    };
  }
  const names = notes ?? generic;
  const param = notes ? notes.param : generic.param;
  const label = notes ? notes.param : generic.label;
  return {
    shape,
    param,
    label,
    weight: (l, j, i) => label(l, j, i),
    z: names.z,
    a: names.a,
    input: (l, i) => (l === 0 ? names.x(i) : names.a(l - 1, i)),
  };
}

/** Every parameter in file order: per layer, weights row by row (unit j, then input i), then biases. */
export function forEachParameter(net: Network, visit: (l: number, j: number, i: number | undefined) => void): void {
  net.layers.forEach((layer, l) => {
    for (let j = 0; j < layer.units; j++) for (let i = 0; i < layer.inputs; i++) visit(l, j, i);
    for (let j = 0; j < layer.units; j++) visit(l, j, undefined);
  });
}
