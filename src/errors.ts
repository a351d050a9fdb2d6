/**
 * Every error class chainrule throws on purpose, in one module that imports nothing, so that any
 * part (math excepted: it asserts and trusts its callers) can throw one and each face maps them in
 * one place: the CLI to exit codes (src/cli/errors.ts), the HTTP service to statuses
 * (src/server/app.ts). The modules that used to define them re-export them, so imports of
 * `DataError` from data/csv.ts or `InputError` from model/encoding.ts keep working.
 *
 * Bad input, the user's to fix (CLI exit 2, HTTP 400): DataError, InputError, ModelFileError,
 * ModelFormatError, CheckpointError, RequestError, UnknownParameterError, UsageError, OptionsError.
 * Runtime failures (CLI exit 1): DivergenceError, OnnxExportError, FileWriteError.
 */

/** A table (CSV file, rows) that does not fit what was asked; the message names the file, row and column. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

/**
 * One raw record's value that a model cannot encode (absent, malformed, overflowing); `field` is
 * the input's name. Of several records, `row` is the 0-based row and the message starts with
 * `row N: ` (1-based); `detail` is the message without that prefix, for a face that names rows its
 * own way (HTTP says `rows[i]`).
 */
export class InputError extends Error {
  readonly detail: string;
  constructor(readonly field: string, message: string, readonly row?: number, detail?: string) {
    super(message);
    this.name = 'InputError';
    this.detail = detail ?? message;
  }

  /** The same error as met on row `row` (0-based) of several. */
  atRow(row: number): InputError {
    return new InputError(this.field, `row ${row + 1}: ${this.detail}`, row, this.detail);
  }
}

/** A model file that cannot be read or used; the message starts with the path. */
export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/**
 * A write that did not happen: the message names the path and the errno (ENOSPC, EACCES, ...) and
 * says that a file already at the path is unchanged. A runtime failure (exit 1), not bad usage.
 */
export class FileWriteError extends Error {
  constructor(readonly path: string, readonly code: string, detail: string) {
    super(`cannot write ${path}: ${code} (${detail}); ${path} is unchanged if it existed`);
    this.name = 'FileWriteError';
  }
}

/** A parsed model that breaks the schema; `field` is the path of the bad field (`layers[1].weights[0]`). */
export class ModelFormatError extends Error {
  constructor(readonly field: string, detail: string) {
    super(`${field}: ${detail}`);
    this.name = 'ModelFormatError';
  }
}

/** Thrown when the loss or a parameter becomes NaN or infinite; the network holds the last finite weights. */
export class DivergenceError extends Error {
  constructor(readonly epoch: number, readonly lr: number, what: string) {
    super(`training diverged at epoch ${epoch}: ${what} is not finite; try a smaller --lr than ${lr}`);
    this.name = 'DivergenceError';
  }
}

/** Thrown for a checkpoint that cannot be read or used; exit code 2 (the user's input). */
export class CheckpointError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** A bad HTTP request body; `field` is a body key or a model input, `row` the 0-based row of many. */
export class RequestError extends Error {
  constructor(readonly field: string, message: string, readonly row?: number) {
    super(message);
    this.name = 'RequestError';
  }
}

/** A parameter name explain does not know; the message lists the known ones. */
export class UnknownParameterError extends Error {
  constructor(readonly param: string, readonly known: readonly string[]) {
    super(`unknown parameter ${JSON.stringify(param)}; expected one of ${known.join(', ')}`);
    this.name = 'UnknownParameterError';
  }
}

/** The model cannot be written as ONNX (a parameter beyond float32 range, say); the message names the field. */
export class OnnxExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxExportError';
  }
}

/** Bad command-line usage: a flag's value, a missing flag, flags that exclude each other. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A library option (of `train` or `fit`) that is unknown or out of range; `option` is its path
 * (`lr`, `optimizer.beta1`) and the message quotes the value given.
 */
export class OptionsError extends Error {
  constructor(readonly option: string, message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}
