/**
 * Checkpoint files: a model file (the network's parameters at the end of an epoch, so `predict`
 * and `evaluate` accept it as is) plus a `checkpoint` block holding the training loop's state
 * (`FitState`: epoch, RNG state, optimizer moments, history, best-so-far) and the flags that shaped
 * the run. Resuming from it with the same flags gives the same final model, byte for byte, as a
 * run that never stopped. Written atomically (temp + fsync + rename) and validated with zod on
 * load, naming the bad field.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as zodModule from 'zod';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../model/file.js';
import type { ModelFile } from '../model/schema.js';
import { encodedWidth, formatPath, ModelFormatError, parseModel } from '../model/schema.js';
import type { FitState } from '../train/fit.js';
import { CheckpointError } from '../errors.js';
import { provide } from '../on-demand.js';

// zod is imported here anyway: the model schema takes this copy rather than requiring its own.
provide('zod', zodModule);

export const CHECKPOINT_FORMAT = 'chainrule/checkpoint';

/** A flag's value as recorded: what commander produced, as JSON. */
export type FlagValue = string | number | boolean | null | FlagValue[];
export type TrainingFlags = Record<string, FlagValue>;

export { CheckpointError };

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const count = z.number().int().nonnegative();
const flagValue: z.ZodType<FlagValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(flagValue)]));

export const fitStateSchema = z.object({
  epoch: count,
  // sfc32's words: some are kept as signed 32-bit results of ^ and <<, some as unsigned.
  rng: z.array(z.number().int().min(-0x80000000).max(0xffffffff)).length(4),
  optimizer: z.object({ step: count, moments: z.array(z.array(z.array(finite))) }),
  history: z.array(z.object({ epoch: z.number().int().positive(), loss: finite, valLoss: finite.optional(), lr: finite.optional() })),
  bestValLoss: finite.nullable(),
  bestEpoch: count,
  sinceBest: count,
  best: z.array(z.array(finite)),
  // A learning-rate schedule's state (the rate last set, plateau's best loss and wait), so a resume sets the same rates.
  schedule: z.object({ lr: finite, best: finite.nullable(), wait: count }).optional(),
});

export const checkpointBlockSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(1),
  /** The flags that shape training (data digest, architecture, optimizer, seed, …). */
  flags: z.record(z.string(), flagValue),
  /** SHA-256 of the training data file's bytes. */
  dataSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  state: fitStateSchema,
});

export type CheckpointBlock = z.infer<typeof checkpointBlockSchema>;

export interface Checkpoint {
  /** The model file part (parameters at the checkpoint's epoch), without the checkpoint block. */
  model: ModelFile;
  flags: TrainingFlags;
  dataSha256?: string;
  state: FitState;
}

/** Lengths of the parameter buffers [W0, b0, W1, b1, …] of a model, in fit's order. */
function parameterShapes(model: ModelFile): number[] {
  let inputs = encodedWidth(model.inputs);
  const shapes: number[] = [];
  for (const layer of model.layers) {
    shapes.push(layer.weights.length * inputs, layer.bias.length);
    inputs = layer.weights.length;
  }
  return shapes;
}

/** Checks that the state fits the model it rides with (buffer sizes, epoch and history agree). */
function checkConsistent(model: ModelFile, state: FitState): void {
  const shapes = parameterShapes(model);
  const sized = (field: string, buffers: number[][]) => {
    if (buffers.length !== shapes.length) {
      throw new ModelFormatError(field, `expected ${shapes.length} buffers (weights and bias of each layer), got ${buffers.length}`);
    }
    buffers.forEach((b, i) => {
      if (b.length !== shapes[i]) throw new ModelFormatError(`${field}[${i}]`, `expected ${shapes[i]} values, got ${b.length}`);
    });
  };
  state.optimizer.moments.forEach((moment, m) => sized(`checkpoint.state.optimizer.moments[${m}]`, moment));
  if (state.best.length > 0) sized('checkpoint.state.best', state.best);
  if (state.history.length !== state.epoch) {
    throw new ModelFormatError('checkpoint.state.history', `expected ${state.epoch} epochs (one per epoch run), got ${state.history.length}`);
  }
  state.history.forEach((h, i) => {
    if (h.epoch !== i + 1) throw new ModelFormatError(`checkpoint.state.history[${i}].epoch`, `expected ${i + 1}, got ${h.epoch}`);
  });
  if (state.bestEpoch > state.epoch) {
    throw new ModelFormatError('checkpoint.state.bestEpoch', `expected at most the epoch ${state.epoch}, got ${state.bestEpoch}`);
  }
}

/** Validates a parsed JSON value as a checkpoint file; errors name the bad field. */
export function parseCheckpoint(value: unknown): Checkpoint {
  const model = parseModel(value);
  const { checkpoint: raw, ...rest } = model as ModelFile & { checkpoint?: unknown };
  if (raw === undefined) throw new ModelFormatError('checkpoint', 'missing: this is a model file, not a checkpoint (write one with train --checkpoint-every N)');
  const result = checkpointBlockSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ModelFormatError(`checkpoint.${formatPath(issue.path)}`.replace(/\.\(root\)$/, ''), issue.message);
  }
  const state = result.data.state as FitState;
  checkConsistent(rest as ModelFile, state);
  return { model: rest as ModelFile, flags: result.data.flags, dataSha256: result.data.dataSha256, state };
}

export function serializeCheckpoint(checkpoint: Checkpoint): string {
  const block: CheckpointBlock = {
    format: CHECKPOINT_FORMAT, version: 1, flags: checkpoint.flags,
    ...(checkpoint.dataSha256 ? { dataSha256: checkpoint.dataSha256 } : {}), state: checkpoint.state,
  };
  // Doubles survive JSON.stringify → JSON.parse exactly (shortest round-trip form), so moments and
  // parameters come back bit for bit.
  return `${JSON.stringify({ ...checkpoint.model, checkpoint: block }, null, 2)}\n`;
}

/** Writes the checkpoint atomically: a crash leaves the previous checkpoint or this one, never half of one. */
export function saveCheckpoint(path: string, checkpoint: Checkpoint): void {
  writeFileAtomic(path, serializeCheckpoint(checkpoint));
}

export function loadCheckpoint(path: string): Checkpoint {
  return readJsonFile(path, 'checkpoint file', parseCheckpoint, (message) => new CheckpointError(message));
}

function same(a: FlagValue | undefined, b: FlagValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(value: FlagValue | undefined): string {
  if (value === undefined || value === null) return '(not set)';
  return Array.isArray(value) ? value.join(',') : String(value);
}

/**
 * The flags of a resumed run: every shaping flag given on the command line must equal the
 * checkpoint's (else a CheckpointError naming the flag), except the `changeable` ones (such as
 * --epochs, to train on); flags left at their defaults take the checkpoint's values, so
 * `train --resume F` alone continues the run as it was started. `explicit` holds the keys the
 * user typed; `names` turns a key into its flag for the message.
 */
export function reconcileFlags(
  recorded: TrainingFlags, current: TrainingFlags, explicit: ReadonlySet<string>,
  names: (key: string) => string, changeable: ReadonlySet<string> = new Set(),
): TrainingFlags {
  const merged: TrainingFlags = { ...current };
  for (const key of new Set([...Object.keys(recorded), ...Object.keys(current)])) {
    const was = recorded[key];
    const now = current[key];
    if (same(was, now)) continue;
    if (!explicit.has(key)) {
      if (key in recorded) merged[key] = was;
      continue;
    }
    if (changeable.has(key)) continue;
    throw new CheckpointError(
      `--resume: ${names(key)} is ${show(now)} but the checkpoint was made with ${show(was)}; `
      + `resume with the same ${names(key)} (or leave it out to take the checkpoint's)`,
    );
  }
  return merged;
}

/** SHA-256 of a file's bytes, streamed (data files may be large), so a resume on different data is refused. */
export async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
