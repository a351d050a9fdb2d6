/**
 * The last line of defence before a probability leaves the program: a finite model fed finite
 * inputs can still overflow inside (a huge input through a ReLU layer and weights of both signs
 * gives ∞ − ∞ = NaN). Such a row is refused with a message naming the row and the input of the
 * largest magnitude, rather than answered with NaN.
 */
import { InputError, inputSpan } from './encoding.js';
import type { ModelInput } from './schema.js';
import { encodedWidth } from './schema.js';

export interface BadPrediction {
  /** 0-based row index. */
  row: number;
  /** The input whose encoded value is largest in magnitude on that row: the likely cause. */
  field: string;
  message: string;
}

/** The first row whose prediction is not finite, or undefined when all are. X is [n × width] encoded rows. */
export function findBadPrediction(
  probabilities: Float64Array, inputs: readonly ModelInput[], X: Float64Array,
): BadPrediction | undefined {
  const at = probabilities.findIndex((p) => !Number.isFinite(p));
  if (at < 0) return undefined;
  // Outputs are [n × units] (a softmax head has one per class), X is [n × width].
  const width = encodedWidth(inputs);
  const units = probabilities.length / (X.length / width);
  const row = Math.floor(at / units);
  let field = inputs[0].name;
  let largest = -1;
  let c = row * width;
  for (const input of inputs) {
    const span = inputSpan(input);
    for (let j = 0; j < span; j++, c++) {
      if (Math.abs(X[c]) > largest) {
        largest = Math.abs(X[c]);
        field = input.name;
      }
    }
  }
  return {
    row,
    field,
    message: `${field}: the model's output is not a number for this row (an input far outside the training range overflows inside the network; largest encoded input ${largest})`,
  };
}

/** Throws an InputError (exit 2 / HTTP 400) naming the row and the likely input when a prediction is not finite. */
export function assertFinitePredictions(probabilities: Float64Array, inputs: readonly ModelInput[], X: Float64Array): void {
  const bad = findBadPrediction(probabilities, inputs, X);
  if (!bad) return;
  const error = new InputError(bad.field, bad.message);
  throw X.length > encodedWidth(inputs) ? error.atRow(bad.row) : error;
}
