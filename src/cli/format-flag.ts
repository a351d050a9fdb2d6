/** `--format` for every command that reads a data file: one definition of the flag, its check and its help. */
import { Option } from 'commander';
import { DATA_FORMATS, type DataFormat } from '../data/formats.js';
import { UsageError } from './errors.js';

export function dataFormat(value: string): DataFormat {
  const format = DATA_FORMATS.find((f) => f === value);
  if (!format) throw new UsageError(`--format must be one of ${DATA_FORMATS.join(', ')}, got ${value}`);
  return format;
}

/** A new Option per command (commander keeps each on one command); `what` is the file it applies to. */
export function formatOption(what = '--data'): Option {
  return new Option('--format <format>', `${what}'s format: ${DATA_FORMATS.join(', ')} (default: by extension: .parquet, .ndjson or .jsonl, anything else csv)`)
    .argParser(dataFormat);
}
