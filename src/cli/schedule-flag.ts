/** `--schedule` for train, cv and tune: the text is checked once and kept in canonical form (a checkpoint records it as a flag). */
import { formatSchedule, needsValidation, parseSchedule, ScheduleError, SCHEDULE_NAMES, type ScheduleSpec } from '../train/schedules.js';
import { UsageError } from './errors.js';

export const SCHEDULE_HELP = `learning-rate schedule: ${SCHEDULE_NAMES.join(', ')}, e.g. step:every=50,gamma=0.5, exponential:gamma=0.99, `
  + 'cosine:min=1e-4, plateau:patience=5,factor=0.5 (on the validation loss; needs --val)';

/** Parses `--schedule` text; returns the canonical text with every parameter written. */
export function scheduleFlag(value: string): string {
  try {
    return formatSchedule(parseSchedule(value));
  } catch (e) {
    if (e instanceof ScheduleError) throw new UsageError(`--schedule ${e.message}, got ${JSON.stringify(value)}`);
    throw e;
  }
}

/** The schedule of canonical `--schedule` text, checked against the validation split it needs. */
export function scheduleSpec(text: string | undefined, val: number): ScheduleSpec | undefined {
  if (text === undefined) return undefined;
  const spec = parseSchedule(text);
  if (needsValidation(spec) && !(val > 0)) throw new UsageError(`--schedule ${spec.name} reads the validation loss: it needs a validation split, e.g. --val 0.2`);
  return spec;
}
