/**
 * The two things every per-prediction explanation of a model file starts from: which output is
 * explained (the task's head: binary P(positive), multiclass P(class), regression the value in
 * raw units) and one raw record encoded by the model's own encoder, its errors naming the field.
 * Shared by attributions (app/attributions.ts), counterfactuals (app/counterfactuals.ts) and
 * partial dependence (app/importance.ts).
 */
import { predict } from '../math/network.js';
import { modelToNetwork } from '../model/convert.js';
import { encodeRecord } from '../model/encoding.js';
import type { ModelFile } from '../model/schema.js';
import { encodedWidth } from '../model/schema.js';
import type { OutputHead } from '../explain/attributions/index.js';
import { binaryHead } from '../explain/attributions/index.js';
import { InputError } from '../errors.js';
import { checkColumns } from './predict.js';

/**
 * The explained output of a model file: binary P(positive); multiclass P(class) of `className`,
 * else of the class predicted for `x`; regression the value in raw units.
 */
export function outputHead(model: ModelFile, x?: Float64Array, className?: string): OutputHead {
  if (model.task === 'multiclass') {
    const { classes } = model.target;
    if (className !== undefined) {
      const unit = classes.indexOf(className);
      if (unit < 0) throw new InputError('class', `class must be one of ${classes.join(', ')}, got ${JSON.stringify(className)}`);
      return { output: 'probability', class: className, unit };
    }
    let unit = 0;
    if (x) {
      const p = predict(modelToNetwork(model), x, 1);
      for (let c = 1; c < classes.length; c++) if (p[c] > p[unit]) unit = c;
    }
    return { output: 'probability', class: classes[unit], unit };
  }
  if (className !== undefined) throw new InputError('class', `class is only for a multiclass model; this model's task is ${model.task ?? 'binary'}`);
  if (model.task === 'regression') {
    const { mean, std } = model.target;
    return mean !== undefined && std !== undefined ? { output: 'value', unit: 0, scale: std, shift: mean } : { output: 'value', unit: 0 };
  }
  return binaryHead();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Encodes one record given as `field` (the input or the baseline); its errors name that field and the input. */
export function encodeOne(model: ModelFile, record: unknown, field: string): Float64Array {
  if (!isRecord(record)) throw new InputError(field, `${field} must be an object of input name → value, got ${JSON.stringify(record)}`);
  const row = new Float64Array(encodedWidth(model.inputs));
  try {
    checkColumns(model, [record]);
    encodeRecord(model.inputs, record, row);
  } catch (err) {
    if (err instanceof InputError && field !== 'input') throw new InputError(field, `${field}: ${err.message}`);
    throw err;
  }
  return row;
}

