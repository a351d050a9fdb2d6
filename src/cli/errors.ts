/**
 * The CLI's one error funnel. A UsageError (bad flags, bad input files, bad model files) exits 2;
 * anything else exits 1. Either way the user sees one line on stderr, never a stack trace
 * (set CHAINRULE_DEBUG=1 to get one).
 */
import { ModelFileError } from '../model/file.js';
import { InputError } from '../model/encoding.js';
import { DataError } from '../data/csv.js';
import { UsageError } from '../errors.js';

export { UsageError };

/** Ends the command with this exit code and no message: the message was already printed (e.g. by a worker thread). */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit code ${code}`);
    this.name = 'ExitCode';
  }
}

/** Errors that come from what the user gave us: exit code 2. */
export function isUsageError(err: unknown): boolean {
  return err instanceof UsageError || err instanceof ModelFileError || err instanceof InputError || err instanceof DataError
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
