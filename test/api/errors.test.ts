/**
 * The error classes live in src/errors.ts and nowhere else: the library's exports and the old
 * homes (data/csv.ts, model/encoding.ts, …) hand out the very same classes, and each face maps
 * them from there — the CLI to exit codes (2 for what the user gave, 1 for a failure), the
 * service to 400 with the field.
 */
import { describe, expect, it } from 'vitest';
import * as errors from '../../src/errors.js';
import * as api from '../../src/index.js';
import * as csv from '../../src/data/csv.js';
import * as encoding from '../../src/model/encoding.js';
import * as file from '../../src/model/file.js';
import * as schema from '../../src/model/schema.js';
import * as fit from '../../src/train/fit.js';
import * as onnx from '../../src/model/onnx.js';
import * as checkpoint from '../../src/app/checkpoint.js';
import * as explain from '../../src/explain/explain.js';
import * as requests from '../../src/server/requests.js';
import * as cliErrors from '../../src/cli/errors.js';

describe('one definition per error class', () => {
  it('every old home re-exports the class of src/errors.ts', () => {
    expect(api.DataError).toBe(errors.DataError);
    expect(csv.DataError).toBe(errors.DataError);
    expect(api.InputError).toBe(errors.InputError);
    expect(encoding.InputError).toBe(errors.InputError);
    expect(api.ModelFileError).toBe(errors.ModelFileError);
    expect(file.ModelFileError).toBe(errors.ModelFileError);
    expect(file.FileWriteError).toBe(errors.FileWriteError);
    expect(api.ModelFormatError).toBe(errors.ModelFormatError);
    expect(schema.ModelFormatError).toBe(errors.ModelFormatError);
    expect(api.DivergenceError).toBe(errors.DivergenceError);
    expect(fit.DivergenceError).toBe(errors.DivergenceError);
    expect(api.OnnxExportError).toBe(errors.OnnxExportError);
    expect(onnx.OnnxExportError).toBe(errors.OnnxExportError);
    expect(checkpoint.CheckpointError).toBe(errors.CheckpointError);
    expect(explain.UnknownParameterError).toBe(errors.UnknownParameterError);
    expect(requests.RequestError).toBe(errors.RequestError);
    expect(cliErrors.UsageError).toBe(errors.UsageError);
    expect(api.OptionsError).toBe(errors.OptionsError);
  });

  it('messages are the ones the faces print', () => {
    expect(new errors.DivergenceError(7, 0.5, 'the loss').message).toBe('training diverged at epoch 7: the loss is not finite; try a smaller --lr than 0.5');
    expect(new errors.ModelFormatError('layers[0].bias', 'expected 2 values').message).toBe('layers[0].bias: expected 2 values');
    expect(new errors.UnknownParameterError('w9', ['w1', 'b1']).message).toBe('unknown parameter "w9"; expected one of w1, b1');
    const inRow = new errors.InputError('salary', 'salary: expected a finite number, got "x"').atRow(2);
    expect([inRow.message, inRow.detail, inRow.row, inRow.field]).toEqual(['row 3: salary: expected a finite number, got "x"', 'salary: expected a finite number, got "x"', 2, 'salary']);
  });

  it('the CLI maps what the user gave to exit 2 and failures to exit 1', () => {
    const user = [
      new errors.UsageError('--lr must be a positive number, got -1'), new errors.DataError('f.csv: row 3'), new errors.InputError('x', 'x: bad'),
      new errors.ModelFileError('m.json: no such model file'), new errors.ModelFormatError('loss', 'bad'), new errors.CheckpointError('c: bad'),
      new errors.OptionsError('lr', 'lr must be a positive number, got -1'), new errors.RequestError('rows', 'bad'),
      new errors.UnknownParameterError('w9', ['w1']),
    ];
    for (const err of user) expect(cliErrors.exitCodeFor(err), err.name).toBe(2);
    const failures = [
      new errors.DivergenceError(1, 0.5, 'the loss'), new errors.OnnxExportError('weights: beyond float32'),
      new errors.FileWriteError('m.json', 'ENOSPC', 'no space left on device'), new TypeError('a bug'),
    ];
    for (const err of failures) expect(cliErrors.exitCodeFor(err), err.name).toBe(1);
  });
});
