/**
 * What every attribution method shares: the DESIGN.md "Attributions" document, the model inputs
 * as groups of encoded columns (a categorical input's one-hot columns are one input), and the one
 * explained output. Pure data and arithmetic: no files, no faces; the encoder's scaling rule is
 * read from model/encoding.ts (pure) so there is one definition of it.
 */
import type { Network } from '../../math/network.js';
import type { ModelInput } from '../../model/schema.js';
import { numericScaling } from '../../model/encoding.js';

/** The DESIGN.md attributions document (extra keys are allowed and documented where they are set). */
export interface Attributions {
  readonly method: 'shapley' | 'integrated-gradients';
  readonly output: 'probability' | 'value';
  readonly class?: string;
  /** Shapley: v(∅), the mean output over the background. Integrated gradients: f(baseline). */
  readonly base: number;
  /** f(x), from its own forward pass. */
  readonly prediction: number;
  /** One per model input, in the model's input order. */
  readonly values: readonly AttributionValue[];
  /** Shapley: every coalition enumerated. Integrated gradients: the quadrature converged to the tolerance. */
  readonly exact: boolean;
  /** Shapley: |base + Σ values − prediction|. Integrated gradients: |Σ values − (prediction − base)|. */
  readonly gap: number;
}

export interface AttributionValue {
  readonly input: string;
  readonly value: number;
  /** The permutation estimate's standard error (only when `exact` is false). */
  readonly standardError?: number;
}

/** One model input as a run of encoded columns [start, start + width). */
export interface InputGroup {
  readonly name: string;
  readonly start: number;
  readonly width: number;
  readonly input: ModelInput;
}

/** The model inputs as column groups, in the encoder's column order (numeric 1 column, categorical one per category). */
export function inputGroups(inputs: readonly ModelInput[]): InputGroup[] {
  let start = 0;
  return inputs.map((input) => {
    const width = input.kind === 'numeric' ? 1 : input.categories.length;
    const group = { name: input.name, start, width, input };
    start += width;
    return group;
  });
}

/** Throws a RangeError unless the groups tile the network's input columns and x has that many. */
export function assertShapes(net: Network, groups: readonly InputGroup[], x: Float64Array): void {
  const last = groups[groups.length - 1];
  const covered = last ? last.start + last.width : 0;
  if (covered !== net.layers[0].inputs || x.length !== covered) {
    throw new RangeError(`the inputs cover ${covered} encoded columns, the network takes ${net.layers[0].inputs} and the row has ${x.length}`);
  }
}

/**
 * How a numeric input's raw value maps to its encoded column, encoded = (raw − shift) / scale: the
 * model encoder's own rule (a std of 0 divides by 1; no mean/std means raw). Identity otherwise.
 */
export function numericScale(input: ModelInput): { shift: number; scale: number } {
  if (input.kind !== 'numeric') return { shift: 0, scale: 1 };
  const { shift, scale } = numericScaling(input);
  return { shift, scale };
}

/**
 * The explained output: which unit of the output layer, read as what: binary P(positive) (the one
 * sigmoid unit), multiclass P(class) (that class's softmax unit), regression the value in raw
 * units (the linear unit · the target's std + its mean). app/explained-output.ts picks it per task.
 */
export interface OutputHead {
  readonly output: 'probability' | 'value';
  readonly class?: string;
  /** Index of the explained unit in the output layer. */
  readonly unit: number;
  /** A regression head in raw units: the output is unit·scale + shift (the target's std and mean). */
  readonly scale?: number;
  readonly shift?: number;
}

/** The binary task's head: P(positive), the network's single output unit. */
export function binaryHead(): OutputHead {
  return { output: 'probability', unit: 0 };
}

/** A network whose output layer is read as-is (for tests and hand-written models with a linear output). */
export function valueHead(unit = 0): OutputHead {
  return { output: 'value', unit };
}

/** The explained output of row r after a forward pass whose output activations are `out`. */
export function readOutput(net: Network, head: OutputHead, out: Float64Array, r: number): number {
  const v = out[r * net.layers[net.layers.length - 1].units + head.unit];
  return head.scale === undefined ? v : v * head.scale + (head.shift ?? 0);
}
