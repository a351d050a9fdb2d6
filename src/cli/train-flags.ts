/**
 * The train flags that `cv` and `tune` take, borrowed from `train`'s own definitions (the same
 * Option objects: one definition of each flag, its parser, default and help), and turned into the
 * train options a fold runs with.
 */
import { Command, type Option } from 'commander';
import { readTable, DataError, type Table } from '../data/csv.js';
import type { FoldTrainOptions } from '../app/cross-validate.js';
import { defaultTarget, registerTrain, type TrainFlags } from './commands/train.js';
import { bundledData } from './paths.js';
import { scheduleSpec } from './schedule-flag.js';
import { UsageError } from './errors.js';

/**
 * Train flags that make no sense inside a fold: where the model goes, checkpoints, threads for one
 * run, and --init (its encoders were fitted on every row, held-out ones included).
 */
const NOT_IN_FOLDS = new Set(['out', 'json', 'quiet', 'checkpointEvery', 'checkpoint', 'resume', 'threads', 'init']);

/** train's Option objects for the flags a fold uses. */
export function trainOptionsForFolds(): Option[] {
  const scratch = new Command();
  registerTrain(scratch);
  const train = scratch.commands.find((c) => c.name() === 'train') as Command;
  return train.options.filter((option) => !NOT_IN_FOLDS.has(option.attributeName()));
}

export function addTrainFlags(cmd: Command): Command {
  for (const option of trainOptionsForFolds()) cmd.addOption(option);
  return cmd;
}

/** The flags `cv` and `tune` read from train's definitions. */
export type FoldFlags = Omit<TrainFlags, 'out' | 'json' | 'quiet' | 'checkpointEvery' | 'checkpoint' | 'resume' | 'threads' | 'init'>;

/** Reads the data file (default: the bundled promotion data) with the columns the flags use; returns the table and target. */
export async function readFoldTable(flags: FoldFlags): Promise<{ table: Table; target: string; file: string }> {
  const file = flags.data ?? bundledData;
  let target = flags.target;
  const table = await readTable(file, {
    keepLevels: flags.categorical,
    missing: flags.missing,
    format: flags.format,
    only: (header) => {
      target ??= defaultTarget(header);
      if (!header.includes(target)) throw new DataError(`${file}: target column "${target}" not found (columns: ${header.join(', ')})`);
      return flags.features ? [...flags.features, target] : header;
    },
  });
  return { table, target: target as string, file };
}

/** The train options of a fold from the flags (the same mapping as `train`'s). */
export function foldTrainOptions(flags: FoldFlags, target: string): FoldTrainOptions {
  if (flags.patience !== undefined && flags.val === 0) throw new UsageError('--patience needs a validation split, e.g. --val 0.2');
  return {
    target, positive: flags.positive, features: flags.features, categorical: flags.categorical, numeric: flags.numeric,
    hidden: flags.layers, activation: flags.activation, loss: flags.loss, optimizer: flags.optimizer,
    lr: flags.lr, epochs: flags.epochs, batchSize: flags.batchSize, val: flags.val, patience: flags.patience,
    seed: flags.seed, standardize: flags.standardize, shuffle: flags.shuffle, l2: flags.l2,
    classWeight: flags.classWeight === 'balanced' ? 'balanced' : undefined,
    threshold: flags.threshold, schedule: scheduleSpec(flags.schedule, flags.val),
  };
}
