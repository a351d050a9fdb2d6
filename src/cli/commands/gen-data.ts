/** `chainrule gen-data`: synthetic data sets with a documented ground truth and ceiling. */
import type { Command } from 'commander';
import { createRng } from '../../math/rng.js';
import { generateSimple } from '../../data/generate.js';
import { generateHr, hrCsv } from '../../data/generate-hr.js';
import { generateLevel, LEVELS, levelCsv } from '../../data/generate-level.js';
import { generateSalary, salaryCsv } from '../../data/generate-salary.js';
import { writeFileAtomic } from '../../model/file.js';
import { UsageError } from '../errors.js';
import { integer, positiveInteger } from '../options.js';

interface GenFlags {
  rows: number;
  seed: number;
  schema: string;
  out?: string;
}

export type SchemaGenerator = (rows: number, seed: number) => { csv: string; summary: string };

/** Generators by schema name; other modules add theirs (e.g. "hr"). */
export const generators: Record<string, SchemaGenerator> = {
  simple(rows, seed) {
    const data = generateSimple(rows, createRng(seed));
    const lines = [data.columns.join(',')];
    for (const r of data.rows) lines.push(`${r.years_experience},${r.performance_score},${r.promoted}`);
    const positives = data.rows.reduce((s, r) => s + r.promoted, 0);
    return {
      csv: `${lines.join('\n')}\n`,
      summary: `${rows} rows, ${positives} promoted (${((100 * positives) / Math.max(rows, 1)).toFixed(1)}%), Bayes rate on this sample ${(100 * data.bayesAccuracy).toFixed(2)}%`,
    };
  },
  hr(rows, seed) {
    const data = generateHr(rows, createRng(seed));
    return {
      csv: hrCsv(data.rows),
      summary: `${rows} rows, ${data.positives} promoted (${((100 * data.positives) / Math.max(rows, 1)).toFixed(1)}%), ${Number.isFinite(data.truthAuc)
        ? `ROC AUC of the true score on this sample ${data.truthAuc.toFixed(4)}`
        // One class only (a few rows): AUC is undefined, so say that instead of printing NaN.
        : 'no ROC AUC (the sample holds one class only)'}`,
    };
  },
  level(rows, seed) {
    const data = generateLevel(rows, createRng(seed));
    const shares = LEVELS.map((level, k) => `${data.counts[k]} ${level}`).join(', ');
    return {
      csv: levelCsv(data),
      summary: `${rows} rows (${shares}), Bayes rate on this sample ${(100 * data.bayesAccuracy).toFixed(2)}%`,
    };
  },
  salary(rows, seed) {
    const data = generateSalary(rows, createRng(seed));
    return {
      csv: salaryCsv(data),
      summary: `${rows} rows, noise σ on this sample ${data.noiseStd.toFixed(0)}, noise ceiling R² on this sample ${data.ceilingR2.toFixed(4)}`,
    };
  },
};

export function registerGenData(program: Command): void {
  program
    .command('gen-data')
    .description('write synthetic data (see data/README.md for each generating rule and its ceiling)')
    .option('--rows <n>', 'number of rows', positiveInteger('--rows'), 1000)
    .option('--seed <n>', 'random seed', integer('--seed'), 1)
    .option('--schema <name>', 'simple (2 features, binary), hr (HR-style columns, binary), level (3 classes) or salary (regression)', 'simple')
    .option('--out <file>', 'CSV file to write, atomically (default: the CSV on stdout, the summary on stderr)')
    .action(async (flags: GenFlags) => {
      const gen = generators[flags.schema];
      if (!gen) throw new UsageError(`--schema must be one of ${Object.keys(generators).join(', ')}, got ${flags.schema}`);
      const { csv, summary } = gen(flags.rows, flags.seed);
      if (flags.out === undefined) {
        await writeStdout(csv);
        process.stderr.write(`gen-data: ${summary}\n`);
        return;
      }
      writeFileAtomic(flags.out, csv);
      process.stderr.write(`wrote ${flags.out}: ${summary}\n`);
    });
}

/**
 * Writes `text` to stdout and waits until it is handed over. A reader that stops early (`| head`)
 * closes the pipe: the EPIPE that follows ends the command quietly (exit 0, as a Unix filter
 * ends); any other write error is a failure.
 */
function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // The error also reaches the write's callback, which decides; without a listener it would throw.
    process.stdout.on('error', () => {});
    process.stdout.write(text, (err?: NodeJS.ErrnoException | null) => {
      if (!err || err.code === 'EPIPE') resolve();
      else reject(new Error(`stdout: cannot write (${err.code ?? err.message})`));
    });
  });
}
