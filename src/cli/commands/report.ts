/** `chainrule report`: one self-contained HTML page with a model's card, metrics and plots on labelled data. */
import type { Command } from 'commander';
import { checkWritable, loadModel, writeFileAtomic } from '../../model/file.js';
import { UsageError } from '../errors.js';
import { buildReport } from '../../app/report.js';
import { readForModel } from './predict.js';
import type { DataFormat } from '../../data/formats.js';
import { formatOption } from '../format-flag.js';

interface ReportFlags {
  model: string;
  data: string;
  format?: DataFormat;
  out: string;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('an HTML report of a model on labelled data: model card, metrics, the task\'s plots (binary: ROC, precision-recall, calibration, confusion, thresholds; multiclass: per-class table, confusion heat map, one-vs-rest ROC; regression: predicted vs actual, residuals) and loss curves')
    .requiredOption('--model <file>', 'model file')
    .requiredOption('--data <file>', 'data file (CSV, Parquet or NDJSON) with the model\'s inputs and its target column')
    .addOption(formatOption())
    .option('--out <file>', 'where to write the HTML page', 'report.html')
    .addHelpText('after', `
The page is one file: styles inline, plots as inline SVG (Observable Plot), the numbers also in a
JSON block (id "report-data"); opening it makes no network request.`)
    .action(async (flags: ReportFlags) => {
      // Before the work: a report that cannot be written is the user's input, named as --out.
      checkWritable(flags.out, '--out', (message) => new UsageError(message));
      const model = loadModel(flags.model);
      const table = await readForModel(model, flags.data, [model.target.name], [], flags.format);
      writeFileAtomic(flags.out, buildReport(model, table, flags.data));
      process.stdout.write(`report written to ${flags.out}\n`);
    });
}
