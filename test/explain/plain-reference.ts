/**
 * A plain reference for the attribution and counterfactual tests: the model file's encoder and
 * forward pass written out as loops over arrays, sharing no code with src/ (so a test that
 * compares against it compares two separate implementations).
 */

export interface PlainInput {
  name: string;
  kind: 'numeric' | 'categorical';
  mean?: number;
  std?: number;
  categories?: readonly string[];
}

export interface PlainLayer {
  activation: string;
  weights: readonly (readonly number[])[];
  bias: readonly number[];
}

/** The model file's encoder: (v − mean)/std (std 0 counts as 1) or raw, one-hot in `categories` order. */
export function plainEncode(inputs: readonly PlainInput[], record: Readonly<Record<string, unknown>>): number[] {
  return inputs.flatMap((input) => {
    const v = record[input.name];
    if (input.kind === 'numeric') return [input.mean === undefined ? Number(v) : (Number(v) - input.mean) / (input.std || 1)];
    return (input.categories as readonly string[]).map((c) => (c === v ? 1 : 0));
  });
}

/** The output layer's activations for one encoded row (tanh, sigmoid, softmax or linear layers). */
export function plainForward(layers: readonly PlainLayer[], x: readonly number[]): number[] {
  let a = [...x];
  for (const l of layers) {
    const z = l.weights.map((row, j) => row.reduce((s, w, i) => s + w * a[i], l.bias[j]));
    if (l.activation === 'softmax') {
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const sum = e.reduce((s, v) => s + v, 0);
      a = e.map((v) => v / sum);
    } else if (l.activation === 'tanh') a = z.map(Math.tanh);
    else if (l.activation === 'sigmoid') a = z.map((v) => 1 / (1 + Math.exp(-v)));
    else if (l.activation === 'linear') a = z;
    else throw new Error(`the plain forward pass has no ${l.activation}`);
  }
  return a;
}
