/**
 * The model file, format "chainrule/model" version 1 (DESIGN.md). Validated with zod on load; an
 * error names the offending field by its path, e.g. `layers[1].weights[0][2]`.
 */
import { z } from 'zod';
import { ACTIVATIONS, type ActivationName } from '../math/activations.js';
import { losses, LOSSES, type LossName } from '../math/losses.js';
import { checkSchedule, ScheduleError } from '../train/schedules.js';
import { ModelFormatError } from '../errors.js';

// The enums are the tables' names (activations.ts, losses.ts), so a new record is a valid model field at once.
const activationEnum = z.enum(ACTIVATIONS as readonly ActivationName[] as [ActivationName, ...ActivationName[]]);
const lossEnum = z.enum(LOSSES as readonly LossName[] as [LossName, ...LossName[]]);

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });

export const numericInputSchema = z.object({
  name: z.string().min(1),
  kind: z.literal('numeric'),
  mean: finite.optional(),
  std: finite.optional(),
  /** The range seen in training (raw units), for counterfactuals; optional. */
  min: finite.optional(),
  max: finite.optional(),
}).refine((v) => (v.mean === undefined) === (v.std === undefined), { message: 'mean and std go together' });

export const categoricalInputSchema = z.object({
  name: z.string().min(1),
  kind: z.literal('categorical'),
  categories: z.array(z.string()).min(1),
});

export const inputSchema = z.discriminatedUnion('kind', [numericInputSchema, categoricalInputSchema]);

export const layerSchema = z.object({
  activation: activationEnum,
  weights: z.array(z.array(finite).min(1)).min(1),
  bias: z.array(finite).min(1),
});

/**
 * `training.schedule` (optional; files without one load as before): the learning-rate schedule
 * the run used, `{ "name": "step", "every": 50, "gamma": 0.5 }` and the like (src/train/schedules.ts).
 * A refinement rather than a shape, so the training block's keys keep their order when re-saved.
 */
function checkTrainingSchedule(training: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const value = training.schedule;
  if (value === undefined) return;
  const fail = (message: string) => ctx.addIssue({ code: 'custom', path: ['schedule'], message });
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { name?: unknown }).name !== 'string') {
    fail('must be an object with a "name"');
    return;
  }
  try {
    checkSchedule(value as { name: string });
  } catch (e) {
    if (!(e instanceof ScheduleError)) throw e;
    fail(e.message);
  }
}

export const modelSchema = z.object({
  format: z.literal('chainrule/model'),
  version: z.literal(1),
  inputs: z.array(inputSchema).min(1),
  target: z.object({ name: z.string().min(1), positive: z.string() }),
  layers: z.array(layerSchema).min(1),
  loss: lossEnum.default('bce'),
  threshold: finite.refine((t) => t > 0 && t < 1, { message: 'must be between 0 and 1' }).default(0.5),
  training: z.record(z.string(), z.unknown()).superRefine(checkTrainingSchedule).optional(),
}).passthrough();

export type NumericInput = z.infer<typeof numericInputSchema>;
export type CategoricalInput = z.infer<typeof categoricalInputSchema>;
export type ModelInput = z.infer<typeof inputSchema>;
export type ModelLayer = { activation: ActivationName; weights: number[][]; bias: number[] };
export interface ModelFile {
  format: 'chainrule/model';
  version: 1;
  inputs: ModelInput[];
  target: { name: string; positive: string };
  layers: ModelLayer[];
  loss: LossName;
  threshold: number;
  training?: Record<string, unknown>;
}

/** `layers[1].weights[0][2]` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || '(root)';
}

/** Number of encoded columns the inputs expand to (numeric 1, categorical one per category). */
export function encodedWidth(inputs: readonly ModelInput[]): number {
  return inputs.reduce((s, input) => s + (input.kind === 'numeric' ? 1 : input.categories.length), 0);
}

export { ModelFormatError };

/** Validates a parsed JSON value as a model file, including the layer shapes. */
export function parseModel(value: unknown): ModelFile {
  const result = modelSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ModelFormatError(formatPath(issue.path), issue.message);
  }
  const model = result.data as ModelFile;
  let inputs = encodedWidth(model.inputs);
  model.layers.forEach((layer, l) => {
    const units = layer.weights.length;
    layer.weights.forEach((row, j) => {
      if (row.length !== inputs) {
        throw new ModelFormatError(`layers[${l}].weights[${j}]`, `expected ${inputs} weights (one per input of the layer), got ${row.length}`);
      }
    });
    if (layer.bias.length !== units) {
      throw new ModelFormatError(`layers[${l}].bias`, `expected ${units} values (one per unit), got ${layer.bias.length}`);
    }
    inputs = units;
  });
  const out = model.layers[model.layers.length - 1];
  if (out.weights.length !== 1) {
    throw new ModelFormatError(`layers[${model.layers.length - 1}].weights`, `the output layer must have 1 unit, got ${out.weights.length}`);
  }
  const fusedWith = losses[model.loss].fusedWith;
  if (fusedWith !== undefined && out.activation !== fusedWith) {
    throw new ModelFormatError(`layers[${model.layers.length - 1}].activation`, `loss "${model.loss}" needs a ${fusedWith} output, got "${out.activation}"`);
  }
  return model;
}
