/** `chainrule explain`: one sample's loss, every gradient as its chain-rule factors, a finite-difference check, one step. */
import type { Command } from 'commander';
import { loadModel } from '../../model/file.js';
import type { ModelFile } from '../../model/schema.js';
import { explainModel } from '../../app/explain-model.js';
import { InputError } from '../../errors.js';
import { renderExplanation } from '../../explain/render.js';
import { UsageError } from '../errors.js';
import { jsonObject, positiveNumber, printJson } from '../options.js';

interface ExplainFlags {
  model: string;
  input: Record<string, unknown>;
  target: string;
  json?: boolean;
  param?: string;
  lr?: number;
}

/** --target per task: binary a number in [0, 1], multiclass a class name, regression a number in raw units. */
function targetFor(model: ModelFile, value: string): number | string {
  if (model.task === 'multiclass') {
    if (!model.target.classes.includes(value)) throw new UsageError(`--target must be one of the classes ${model.target.classes.join(', ')}, got ${value}`);
    return value;
  }
  const y = Number(value);
  if (model.task === 'regression') {
    if (value.trim() === '' || !Number.isFinite(y)) throw new UsageError(`--target must be a number (${model.target.name} in its raw units), got ${value}`);
    return y;
  }
  if (value.trim() === '' || !Number.isFinite(y) || y < 0 || y > 1) throw new UsageError(`--target must be a number in [0, 1], got ${value}`);
  return y;
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('loss, every gradient and its chain-rule factors for one sample, checked by finite differences')
    .requiredOption('--model <file>', 'model file')
    .requiredOption('--input <json>', 'the sample as a JSON object, or @file.json', jsonObject('--input'))
    .requiredOption('--target <y>', 'the target: binary a number in [0, 1], multiclass a class name, regression a number in raw units')
    .option('--param <name>', 'show only this parameter (w1, w11, b3, layers[0].weights[1][0], layer[0].w[1][0], …)')
    .option('--lr <eta>', 'learning rate of the illustrated gradient-descent step (default: the model\'s, else 0.5)', positiveNumber('--lr'))
    .option('--json', 'print one JSON document')
    .action((flags: ExplainFlags) => {
      const model = loadModel(flags.model);
      let doc;
      try {
        doc = explainModel(model, flags.input, targetFor(model, flags.target), { lr: flags.lr, param: flags.param });
      } catch (err) {
        // Name the flag, not the library's field, when the user's flag was the problem.
        if (err instanceof InputError && err.field === 'param') throw new UsageError(`--param: ${err.message}`);
        if (err instanceof InputError) throw new UsageError(`--input: ${err.message}`);
        throw err;
      }
      if (flags.json) printJson(doc);
      else process.stdout.write(renderExplanation(doc));
    });
}
