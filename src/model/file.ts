/** Reading and writing model files. Writes are atomic: temp file, fsync, rename. */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ModelFile } from './schema.js';
import { ModelFormatError, parseModel } from './schema.js';

export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/**
 * Reads a JSON file and validates it with `parse`; every failure (missing, unreadable, not JSON,
 * a bad field) becomes one `makeError` message that starts with the path.
 */
export function readJsonFile<T>(path: string, what: string, parse: (json: unknown) => T, makeError: (message: string) => Error): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw makeError(code === 'ENOENT' ? `${path}: no such ${what}` : `${path}: cannot read (${code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw makeError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  try {
    return parse(json);
  } catch (err) {
    if (err instanceof ModelFormatError) throw makeError(`${path}: ${err.message}`);
    throw err;
  }
}

export function loadModel(path: string): ModelFile {
  return readJsonFile(path, 'model file', parseModel, (message) => new ModelFileError(message));
}

/** Stable JSON text of a model: same model, same bytes. */
export function serializeModel(model: ModelFile): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}

/** Writes `text` (or bytes) to `path` atomically: a crash leaves either the old file or the new one. */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    if (typeof text === 'string') writeSync(fd, text);
    else writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    // A failed rename (e.g. the target is a directory) must not leave the temp file behind.
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
}

export function saveModel(path: string, model: ModelFile): void {
  writeFileAtomic(path, serializeModel(model));
}
