/**
 * The model file, format "chainrule/model" (DESIGN.md). Version 2 carries `task` (binary,
 * multiclass, regression) and a target shaped for it; version-1 files load as binary. Validated
 * with zod on load (zod and the schemas load on the first parse); an error names the offending
 * field by its path, e.g. `layers[1].weights[0][2]`.
 * Over 250 lines because the three tasks' shapes and their head checks belong together.
 */
import type { z } from 'zod';
import { onDemand, type OnDemand } from '../on-demand.js';
import { isElementActivationName, LAYER_ACTIVATIONS, type ActivationName } from '../math/activations.js';
import { losses, LOSSES, type LossName } from '../math/losses.js';
import { heads, TASKS, type TaskName } from '../math/heads.js';
import { checkSchedule, ScheduleError } from '../train/schedules.js';
import { ModelFormatError } from '../errors.js';

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

/**
 * The schemas, built on the first parse with zod required then (on-demand.ts): importing zod costs
 * more than the library's whole import budget.
 */
function buildSchemas(z: OnDemand['zod']['z']) {
  // The enums are the tables' names (activations.ts, losses.ts), so a new record is a valid model field at once.
  const activationEnum = z.enum(LAYER_ACTIVATIONS as readonly ActivationName[] as [ActivationName, ...ActivationName[]]);
  const lossEnum = z.enum(LOSSES as readonly LossName[] as [LossName, ...LossName[]]);

  const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });

  const numericInputSchema = z.object({
    name: z.string().min(1),
    kind: z.literal('numeric'),
    mean: finite.optional(),
    std: finite.optional(),
    /** The range seen in training (raw units), for counterfactuals; optional. */
    min: finite.optional(),
    max: finite.optional(),
  }).refine((v) => (v.mean === undefined) === (v.std === undefined), { message: 'mean and std go together' });

  const categoricalInputSchema = z.object({
    name: z.string().min(1),
    kind: z.literal('categorical'),
    categories: z.array(z.string()).min(1),
  });

  const inputSchema = z.discriminatedUnion('kind', [numericInputSchema, categoricalInputSchema]);

  const layerSchema = z.object({
    activation: activationEnum,
    weights: z.array(z.array(finite).min(1)).min(1),
    bias: z.array(finite).min(1),
  });

  const trainingSchema = z.record(z.string(), z.unknown()).superRefine(checkTrainingSchedule).optional();
  /**
   * `target.negative` (binary, optional): the target's other value, written only when it is not the
   * usual partner of `positive` (see negativeValue), so a 0/1 or yes/no model keeps its bytes.
   */
  const binaryTargetSchema = z.object({ name: z.string().min(1), positive: z.string(), negative: z.string().optional() });
  /**
   * `missing` (optional): the values read as missing besides the default tokens, as training read
   * them (`train --missing`); written only when there are some, so that every command reads a data
   * file the way training did.
   */
  const missingSchema = z.array(z.string()).optional();
  const thresholdSchema = finite.refine((t) => t > 0 && t < 1, { message: 'must be between 0 and 1' }).default(0.5);

  /** Version 1: always binary (no `task`). */
  const modelSchema = z.object({
    format: z.literal('chainrule/model'),
    version: z.literal(1),
    inputs: z.array(inputSchema).min(1),
    missing: missingSchema,
    target: binaryTargetSchema,
    layers: z.array(layerSchema).min(1),
    loss: lossEnum.default('bce'),
    threshold: thresholdSchema,
    training: trainingSchema,
  }).passthrough();

  const v2Base = {
    format: z.literal('chainrule/model'),
    version: z.literal(2),
    inputs: z.array(inputSchema).min(1),
    missing: missingSchema,
    layers: z.array(layerSchema).min(1),
    training: trainingSchema,
  };

  /** Version 2, one schema per task (parseModel dispatches on `task`, so errors name the right field). */
  const v2Schemas = {
    binary: z.object({
      ...v2Base,
      task: z.literal('binary'),
      target: binaryTargetSchema,
      loss: lossEnum.default('bce'),
      threshold: thresholdSchema,
    }).passthrough(),
    multiclass: z.object({
      ...v2Base,
      task: z.literal('multiclass'),
      target: z.object({
        name: z.string().min(1),
        classes: z.array(z.string()).min(2, { message: 'a multiclass target needs at least 2 classes' })
          .refine((c) => new Set(c).size === c.length, { message: 'classes must be distinct' }),
      }),
      loss: lossEnum.default('cross_entropy'),
    }).passthrough(),
    regression: z.object({
      ...v2Base,
      task: z.literal('regression'),
      target: z.object({
        name: z.string().min(1),
        mean: finite.optional(),
        std: finite.refine((v) => v > 0, { message: 'must be positive' }).optional(),
      }).refine((v) => (v.mean === undefined) === (v.std === undefined), { message: 'mean and std go together' }),
      loss: lossEnum.default('mse'),
    }).passthrough(),
  } as const;
  const head = z.object({ format: z.literal('chainrule/model'), version: z.union([z.literal(1), z.literal(2)]) });
  return { numericInputSchema, categoricalInputSchema, inputSchema, modelSchema, v2Schemas, head };
}

type Schemas = ReturnType<typeof buildSchemas>;
let built: Schemas | undefined;
const schemas = (): Schemas => (built ??= buildSchemas(onDemand('zod').z));

export type NumericInput = z.infer<Schemas['numericInputSchema']>;
export type CategoricalInput = z.infer<Schemas['categoricalInputSchema']>;
export type ModelInput = z.infer<Schemas['inputSchema']>;
export type ModelLayer = { activation: ActivationName; weights: number[][]; bias: number[] };

interface ModelBase {
  format: 'chainrule/model';
  /** 2 for files written since tasks exist; version-1 files are binary. */
  version: 1 | 2;
  inputs: ModelInput[];
  /** Values read as missing in data files besides the default tokens (train --missing); absent when none. */
  missing?: string[];
  layers: ModelLayer[];
  loss: LossName;
  training?: Record<string, unknown>;
}

/** One sigmoid output, P(target = positive). `task` is absent only in a version-1 model built in code. */
export interface BinaryModel extends ModelBase {
  task?: 'binary';
  /** `negative` only when it is not the usual partner of `positive` (negativeValue). */
  target: { name: string; positive: string; negative?: string };
  threshold: number;
}

/** One softmax unit per class, in `classes` order. */
export interface MulticlassModel extends ModelBase {
  task: 'multiclass';
  target: { name: string; classes: string[] };
}

/** One linear unit: (y − mean)/std when the target was standardised, else y raw. */
export interface RegressionModel extends ModelBase {
  task: 'regression';
  target: { name: string; mean?: number; std?: number };
}

export type ModelFile = BinaryModel | MulticlassModel | RegressionModel;

/** The model's task: a version-1 model (no `task`) is binary. */
export function taskOf(model: ModelFile): TaskName {
  return model.task ?? 'binary';
}

export function isBinary(model: ModelFile): model is BinaryModel {
  return taskOf(model) === 'binary';
}

/**
 * The model when binary, else an error saying `what` is binary-only: for the parts (the threshold,
 * ROC curves, the report) that have no meaning for the other tasks yet.
 */
export function requireBinary(model: ModelFile, what: string): BinaryModel {
  if (isBinary(model)) return model;
  throw new ModelFormatError('task', `${what} works on binary models only; this model's task is "${taskOf(model)}"`);
}

/** The usual pairs of a binary target's values (positive first): the ones train tells apart unaided. */
export const BINARY_PAIRS: readonly (readonly [string, string])[] = [['1', '0'], ['true', 'false'], ['yes', 'no'], ['y', 'n'], ['t', 'f']];

/** The usual partner of a positive value in its case (`Yes` → `No`, `TRUE` → `FALSE`), or undefined. */
export function usualNegative(positive: string): string | undefined {
  const pair = BINARY_PAIRS.find(([p]) => p === positive.toLowerCase());
  if (!pair) return undefined;
  const negative = pair[1];
  if (positive === positive.toLowerCase()) return negative;
  if (positive === positive.toUpperCase()) return negative.toUpperCase();
  return negative[0].toUpperCase() + negative.slice(1);
}

/**
 * The value a binary model decides when not positive: `target.negative` when the file records
 * it, else the usual partner of `positive` (0 for 1, no for yes), else `not <positive>`.
 */
export function negativeValue(target: BinaryModel['target']): string {
  return target.negative ?? usualNegative(target.positive) ?? `not ${target.positive}`;
}

/** The raw target value from the network's output for a regression model: out·std + mean, or out raw. */
export function regressionValue(model: RegressionModel, output: number): number {
  const { mean, std } = model.target;
  return mean !== undefined && std !== undefined ? output * std + mean : output;
}

/** The network's target for a raw regression value: (y − mean)/std, or y raw. */
export function regressionTarget(model: RegressionModel, y: number): number {
  const { mean, std } = model.target;
  return mean !== undefined && std !== undefined ? (y - mean) / std : y;
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

/** Validates a parsed JSON value as a model file, including the layer shapes and the head its task needs. */
export function parseModel(value: unknown): ModelFile {
  const model = parseShape(value);
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
  checkHead(model);
  return model;
}

function issueError(error: z.ZodError): ModelFormatError {
  const issue = error.issues[0];
  return new ModelFormatError(formatPath(issue.path), issue.message);
}

/** Dispatches on `version`, then on `task`, so an error names the field of the right shape. */
function parseShape(value: unknown): ModelFile {
  const { head: headSchema, modelSchema, v2Schemas } = schemas();
  const head = headSchema.safeParse(value);
  if (!head.success) {
    if (head.error.issues[0].path[0] === 'version') {
      const got = (value as { version?: unknown }).version;
      throw new ModelFormatError('version', `must be 1 or 2, got ${JSON.stringify(got) ?? 'nothing'}`);
    }
    throw issueError(head.error);
  }
  if (head.data.version === 1) {
    const result = modelSchema.safeParse(value);
    if (!result.success) throw issueError(result.error);
    // Left as written (no `task` added), so a version-1 file round-trips unchanged; taskOf reads it as binary.
    return result.data as BinaryModel;
  }
  const task = (value as { task?: unknown }).task;
  if (typeof task !== 'string' || !(TASKS as readonly string[]).includes(task)) {
    throw new ModelFormatError('task', `must be one of ${TASKS.join(', ')}, got ${JSON.stringify(task) ?? 'nothing'}`);
  }
  const result = v2Schemas[task as TaskName].safeParse(value);
  if (!result.success) throw issueError(result.error);
  return result.data as ModelFile;
}

/** The output layer its task needs: the width, and an activation and loss that the task's head accepts. */
function checkHead(model: ModelFile): void {
  const last = model.layers.length - 1;
  const out = model.layers[last];
  const task = taskOf(model);
  const head = heads[task];
  const units = head.units(model.task === 'multiclass' ? model.target.classes.length : 1);
  if (out.weights.length !== units) {
    const why = task === 'multiclass' ? ' (one per class in target.classes)' : '';
    throw new ModelFormatError(`layers[${last}].weights`, `the output layer must have ${units} unit${units === 1 ? '' : 's'}${why}, got ${out.weights.length}`);
  }
  if (!head.losses.includes(model.loss)) {
    throw new ModelFormatError('loss', `a ${task} model's loss must be one of ${head.losses.join(', ')}, got "${model.loss}"`);
  }
  // Binary keeps version 1's freedom (any activation under mse); the other heads are fixed.
  if (task !== 'binary' && out.activation !== head.outputActivation(model.loss)) {
    throw new ModelFormatError(`layers[${last}].activation`, `a ${task} model's output must be "${head.outputActivation(model.loss)}", got "${out.activation}"`);
  }
  const fusedWith = losses[model.loss].fusedWith;
  if (fusedWith !== undefined && out.activation !== fusedWith) {
    throw new ModelFormatError(`layers[${last}].activation`, `loss "${model.loss}" needs a ${fusedWith} output, got "${out.activation}"`);
  }
  model.layers.forEach((layer, l) => {
    if (l < last && !isElementActivationName(layer.activation)) {
      throw new ModelFormatError(`layers[${l}].activation`, `"${layer.activation}" is only an output activation`);
    }
    if (l === last && task === 'binary' && !isElementActivationName(layer.activation)) {
      throw new ModelFormatError(`layers[${l}].activation`, `a binary model's output cannot be "${layer.activation}"`);
    }
  });
}
