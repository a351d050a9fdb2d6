/**
 * Output heads: for each task, the output layer's activation, its default loss and the losses it
 * may train with. The model schema, the train use case (`--task`, `--loss` checks), explain and
 * ONNX export read this one table; the math of each head lives in activations.ts and losses.ts.
 */
import type { ActivationName } from './activations.js';
import type { LossName } from './losses.js';

export type TaskName = 'binary' | 'multiclass' | 'regression';

export interface Head {
  readonly task: TaskName;
  /** The output layer's activation under the default loss. */
  readonly activation: ActivationName;
  /** The loss a run uses when none is given. */
  readonly defaultLoss: LossName;
  /** Every loss the task accepts; the first is the default. */
  readonly losses: readonly LossName[];
  /** The output activation a given loss trains under (binary `mse` keeps version 1's sigmoid output). */
  outputActivation(loss: LossName): ActivationName;
  /** Output units for a target with this many classes (ignored outside multiclass). */
  units(classes: number): number;
}

export const heads: { readonly [K in TaskName]: Head } = {
  binary: {
    task: 'binary', activation: 'sigmoid', defaultLoss: 'bce', losses: ['bce', 'mse'],
    outputActivation: () => 'sigmoid', units: () => 1,
  },
  multiclass: {
    task: 'multiclass', activation: 'softmax', defaultLoss: 'cross_entropy', losses: ['cross_entropy'],
    outputActivation: () => 'softmax', units: (classes) => classes,
  },
  regression: {
    task: 'regression', activation: 'linear', defaultLoss: 'mse', losses: ['mse', 'huber'],
    outputActivation: () => 'linear', units: () => 1,
  },
};

/** Every task, in the table's order (the schema's enum, `--task`'s choices after `auto`). */
export const TASKS = Object.keys(heads) as readonly TaskName[];

export function isTaskName(name: string): name is TaskName {
  return Object.prototype.hasOwnProperty.call(heads, name);
}
