/**
 * Model files as JSON text, without a file system: parsing and validating text (a fetch body, a file
 * picked in a browser) and the stable text a model is saved as. file.ts reads and writes files
 * with these, so `parseModelJson(text)` and `loadModel(path)` give the same model and messages.
 */
import type { ModelFile } from './schema.js';
import { ModelFormatError, parseModel } from './schema.js';
import { ModelFileError } from '../errors.js';

/**
 * Parses JSON `text` and validates it with `parse`; not JSON or a bad field becomes one
 * `makeError` message that starts with `path`.
 */
export function parseJsonText<T>(path: string, text: string, parse: (json: unknown) => T, makeError: (message: string) => Error): T {
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

/**
 * A model file's JSON text, validated like `loadModel` validates a file (`parseModel` takes the
 * parsed object instead).
 *
 * @param name - what the messages start with, as a path would (default `model.json`).
 * @throws ModelFileError for text that is not JSON or a field that breaks the schema
 *   (`model.json: layers[1].weights[0]: expected 2 weights …`).
 */
export function parseModelJson(text: string, name = 'model.json'): ModelFile {
  return parseJsonText(name, text, parseModel, (message) => new ModelFileError(message));
}

/** Stable JSON text of a model: same model, same bytes. */
export function serializeModel(model: ModelFile): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}
