/** `chainrule explain`: one sample's loss, every gradient as its chain-rule factors, a finite-difference check, one step. */
import type { Command } from 'commander';
import { loadModel } from '../../model/file.js';
import type { ModelFile } from '../../model/schema.js';
import { explainWithAttributions } from '../../app/attributions.js';
import type { AttributionRequest, CounterfactualRequest } from '../../app/attributions.js';
import { InputError } from '../../errors.js';
import { renderExplanation } from '../../explain/render.js';
import { renderAttributions, renderCounterfactuals } from '../../explain/render-attributions.js';
import { UsageError } from '../errors.js';
import { integer, jsonObject, nameList, positiveInteger, positiveNumber, printJson } from '../options.js';
import { readForModel } from './predict.js';
import type { DataFormat } from '../../data/formats.js';
import { formatOption } from '../format-flag.js';

interface ExplainFlags {
  model: string;
  input: Record<string, unknown>;
  target: string;
  json?: boolean;
  param?: string;
  lr?: number;
  attributions?: string;
  background?: string;
  format?: DataFormat;
  backgroundSize?: number;
  baseline?: Record<string, unknown>;
  seed?: number;
  class?: string;
  counterfactuals?: boolean;
  immutable?: string[];
  range?: [string, [number, number]][];
  maxChanges?: number;
  desiredClass?: string;
  desiredRange?: [number | null, number | null];
}

/** `--range col=lo:hi`, repeatable: the allowed raw values of a changed numeric input. */
function rangeFlag(value: string, previous: [string, [number, number]][] = []): [string, [number, number]][] {
  const match = /^([^=]+)=([^:]+):(.+)$/.exec(value);
  const lo = match ? Number(match[2]) : NaN;
  const hi = match ? Number(match[3]) : NaN;
  if (!match || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new UsageError(`--range must be column=lo:hi with numbers lo ≤ hi, got ${value}`);
  }
  return [...previous, [match[1].trim(), [lo, hi]]];
}

/** `--desired-range lo:hi` (either end may be empty: open), the regression value range to reach. */
function desiredRangeFlag(value: string): [number | null, number | null] {
  const match = /^([^:]*):([^:]*)$/.exec(value.trim());
  const end = (text: string) => (text.trim() === '' ? null : Number(text));
  const range = match ? [end(match[1]), end(match[2])] as [number | null, number | null] : undefined;
  if (!range || range.some((v) => v !== null && !Number.isFinite(v)) || range.every((v) => v === null) || (range[0] !== null && range[1] !== null && range[0] >= range[1])) {
    throw new UsageError(`--desired-range must be lo:hi with numbers lo < hi (one end may be empty: open), got ${value}`);
  }
  return range;
}

/** The flag that carries each field of the request; any other field is the --input record's. */
const FLAG_OF: Record<string, string> = {
  param: '--param', attributions: '--attributions', background: '--background', backgroundSize: '--background-size',
  baseline: '--baseline', seed: '--seed', class: '--class', immutable: '--immutable', ranges: '--range', maxChanges: '--max-changes',
  desiredClass: '--desired-class', desiredRange: '--desired-range',
};

async function attributionRequest(model: ModelFile, flags: ExplainFlags): Promise<AttributionRequest | undefined> {
  if (flags.attributions === undefined) {
    const stray = flags.background !== undefined ? '--background' : flags.baseline !== undefined ? '--baseline' : flags.backgroundSize !== undefined ? '--background-size' : undefined;
    if (stray) throw new UsageError(`${stray} needs --attributions shapley or integrated-gradients`);
    return undefined;
  }
  const background = flags.background !== undefined ? await readForModel(model, flags.background, [], [], flags.format) : undefined;
  return {
    method: flags.attributions, background, backgroundSize: flags.backgroundSize, baseline: flags.baseline,
    seed: flags.seed, ...(flags.class !== undefined ? { class: flags.class } : {}),
  };
}

function counterfactualRequest(flags: ExplainFlags): CounterfactualRequest | undefined {
  if (!flags.counterfactuals && !flags.immutable && !flags.range && flags.maxChanges === undefined && flags.desiredClass === undefined && flags.desiredRange === undefined) return undefined;
  return {
    immutable: flags.immutable, ranges: flags.range ? Object.fromEntries(flags.range) : undefined, maxChanges: flags.maxChanges,
    ...(flags.desiredClass !== undefined ? { desiredClass: flags.desiredClass } : {}),
    ...(flags.desiredRange !== undefined ? { desiredRange: flags.desiredRange } : {}),
  };
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
    .option('--attributions <method>', 'add attributions: shapley or integrated-gradients')
    .option('--background <file>', 'shapley: data file (CSV, Parquet or NDJSON) of background rows (sampled down to --background-size)')
    .addOption(formatOption('--background'))
    .option('--background-size <n>', 'shapley: background rows kept from a larger file (default 100, at most 1000)', positiveInteger('--background-size'))
    .option('--baseline <json>', 'one baseline row as a JSON object, or @file.json (default: every input missing)', jsonObject('--baseline'))
    .option('--seed <n>', 'seed of the background sample and of the permutation estimate (default 0)', integer('--seed'))
    .option('--class <name>', 'multiclass: the class whose probability is explained (default: the predicted class)')
    .option('--counterfactuals', 'add the nearest changes of up to --max-changes inputs that change the outcome: binary the decision, multiclass the class (--desired-class), regression into --desired-range')
    .option('--immutable <a,b>', 'counterfactuals: inputs that may not change', nameList)
    .option('--range <col=lo:hi>', 'counterfactuals: allowed values of a changed numeric input (repeatable)', rangeFlag)
    .option('--max-changes <k>', 'counterfactuals: at most k inputs change together (1–3, default 2)', positiveInteger('--max-changes'))
    .option('--desired-class <name>', 'counterfactuals, multiclass: the class to reach (default: any class other than the predicted one, the nearest)')
    .option('--desired-range <lo:hi>', 'counterfactuals, regression (required there): the value range to reach in raw units; an empty end is open (100000: means ≥ 100000)', desiredRangeFlag)
    .option('--json', 'print one JSON document')
    .action(async (flags: ExplainFlags) => {
      const model = loadModel(flags.model);
      let doc;
      try {
        doc = explainWithAttributions(model, flags.input, targetFor(model, flags.target), {
          lr: flags.lr, param: flags.param, attributions: await attributionRequest(model, flags), counterfactuals: counterfactualRequest(flags),
        });
      } catch (err) {
        // Name the flag, not the library's field, when the user's flag was the problem.
        if (err instanceof InputError) throw new UsageError(`${FLAG_OF[err.field] ?? '--input'}: ${err.message}`);
        throw err;
      }
      // A large model's document is bounded (explain/large.ts): say so once, where --json leaves room.
      if (doc.truncation) {
        process.stderr.write(`explain: a large model (${doc.truncation.parameters} parameters): the factors of ${doc.truncation.factorsShown} are listed; name any other with --param, e.g. --param layers[0].weights[0][0]\n`);
      }
      if (flags.json) {
        printJson(doc);
        return;
      }
      let text = renderExplanation(doc);
      if (doc.attributions) text += `\n${renderAttributions(doc.attributions, model.target.name)}`;
      if (doc.counterfactuals) text += `\n${renderCounterfactuals(doc.counterfactuals)}`;
      process.stdout.write(text);
    });
}
