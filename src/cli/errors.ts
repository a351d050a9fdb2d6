/**
 * The CLI's one error funnel, and its map from the error classes of src/errors.ts to exit codes:
 * bad usage or bad input (flags, data files, model files, records, options) exits 2; anything
 * else (a diverged run, a failed write, a bug) exits 1. Either way the user sees one line on
 * stderr, never a stack trace (set CHAINRULE_DEBUG=1 to get one).
 */
import {
  CheckpointError, DataError, InputError, ModelFileError, ModelFormatError, OptionsError, RequestError, UnknownParameterError,
  UsageError,
} from '../errors.js';

export { UsageError };

/** Ends the command with this exit code and no message: the message was already printed (e.g. by a worker thread). */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit code ${code}`);
    this.name = 'ExitCode';
  }
}

/** The classes of errors that come from what the user gave us: exit code 2. */
const USER_ERRORS: readonly (abstract new (...args: never[]) => Error)[] = [
  UsageError, DataError, InputError, ModelFileError, ModelFormatError, CheckpointError, OptionsError, RequestError, UnknownParameterError,
];

/** Errors that come from what the user gave us (or that say so with `exitCode = 2`): exit code 2. */
export function isUsageError(err: unknown): boolean {
  return USER_ERRORS.some((kind) => err instanceof kind)
    || (err instanceof Error && (err as { exitCode?: number }).exitCode === 2);
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof ExitCode) return err.code;
  return isUsageError(err) ? 2 : 1;
}

/** `write` defaults to stderr; the training worker passes its channel to the main thread (see train-worker.ts). */
export function reportError(err: unknown, write: (text: string) => void = (text) => { process.stderr.write(text); }): number {
  if (err instanceof ExitCode) return err.code;
  const message = err instanceof Error ? err.message : String(err);
  write(`chainrule: ${message.split('\n')[0]}\n`);
  if (process.env.CHAINRULE_DEBUG && err instanceof Error && err.stack) write(`${err.stack}\n`);
  return exitCodeFor(err);
}
