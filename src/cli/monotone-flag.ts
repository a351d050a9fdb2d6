/**
 * `--monotone years_experience:+,performance_score:-` (or `none`): the inputs along which ŷ
 * must not decrease (+) or not increase (−). Kept in canonical text, since a checkpoint records
 * it as a flag. Without --data the bundled promotion data's rule is monotone in both inputs, so
 * that is the default there (BUNDLED_MONOTONE); `--monotone none` turns it off.
 */
import type { Direction } from '../train/constraints.js';
import { UsageError } from './errors.js';

export const MONOTONE_HELP = 'inputs along which the prediction may only rise (+) or only fall (-), e.g. '
  + 'years_experience:+,performance_score:+ ("none" for no constraint; default without --data: both bundled inputs +)';

/** The flagship data's rule: promoted when years_experience ≥ 5 and performance_score ≥ 70. */
export const BUNDLED_MONOTONE = 'years_experience:+,performance_score:+';
/** The bundled 2-2-1 sigmoid network under constraints needs more epochs than 300 to settle (91.2% vs 86.1%). */
export const BUNDLED_EPOCHS = 1000;

export function monotoneFlag(value: string): string {
  if (value.trim() === 'none') return 'none';
  const parts = value.split(',').map((part) => part.trim());
  const seen = new Set<string>();
  for (const part of parts) {
    const m = /^(.+):([+-])$/.exec(part);
    if (!m || m[1].trim() === '') throw new UsageError(`--monotone takes column:+ or column:- pairs separated by commas (or none), got ${JSON.stringify(value)}`);
    const name = m[1].trim();
    if (seen.has(name)) throw new UsageError(`--monotone names ${name} twice, got ${JSON.stringify(value)}`);
    seen.add(name);
  }
  return parts.map((part) => part.replace(/\s*:\s*/, ':')).join(',');
}

/** The library's `monotone` option from canonical flag text (undefined for none). */
export function monotoneSpec(text: string | undefined): Record<string, Direction> | undefined {
  if (text === undefined || text === 'none') return undefined;
  const out: Record<string, Direction> = {};
  for (const part of text.split(',')) {
    const at = part.lastIndexOf(':');
    out[part.slice(0, at)] = part.slice(at + 1) === '+' ? 'increasing' : 'decreasing';
  }
  return out;
}
