/** Parsers for option values, shared by the commands. Each error quotes the bad value. */
import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';
import { ACTIVATIONS, isElementActivationName, type ActivationName } from '../math/activations.js';
import { isLossName, losses, LOSSES, type LossName } from '../math/losses.js';
import { isOptimizerName, optimizers, OPTIMIZERS, type OptimizerName } from '../math/optimizers.js';

export function positiveNumber(flag: string) {
  return (value: string): number => {
    const x = Number(value);
    if (value.trim() === '' || !Number.isFinite(x) || x <= 0) throw new UsageError(`${flag} must be a positive number, got ${value}`);
    return x;
  };
}

export function nonNegativeNumber(flag: string) {
  return (value: string): number => {
    const x = Number(value);
    if (value.trim() === '' || !Number.isFinite(x) || x < 0) throw new UsageError(`${flag} must be a non-negative number, got ${value}`);
    return x;
  };
}

export function positiveInteger(flag: string) {
  return (value: string): number => {
    const x = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(x) || x < 1) throw new UsageError(`${flag} must be a positive integer, got ${value}`);
    return x;
  };
}

export function integer(flag: string) {
  return (value: string): number => {
    const x = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(x)) throw new UsageError(`${flag} must be an integer, got ${value}`);
    return x;
  };
}

/** `--layers 16,8` → [16, 8]; every width a positive integer. `--layers ""` or `none` → []. */
export function layerWidths(value: string): number[] {
  if (value.trim() === '' || value.trim() === 'none') return [];
  return value.split(',').map((part) => {
    const x = Number(part);
    if (!/^\s*\d+\s*$/.test(part) || x < 1) throw new UsageError(`--layers must be comma-separated positive integers, got ${value}`);
    return x;
  });
}

/*
 * The choices and their help come from the spec tables (math/activations.ts, losses.ts,
 * optimizers.ts), so a new record is a valid flag value, listed in --help, with no change here.
 */

/** Help for --activation: every activation of the table. */
export const ACTIVATION_HELP = `hidden-layer activation: ${ACTIVATIONS.join(', ')}`;
/** Help for --loss: each loss of the table with its line. */
export const LOSS_HELP = `loss: ${LOSSES.map((name) => losses[name].help).join(', ')}`;
/** Help for --optimizer: each optimizer of the table with its line. */
export const OPTIMIZER_HELP = OPTIMIZERS.map((name) => optimizers[name].help).join(', ');

export function activationName(value: string): ActivationName {
  // Hidden layers take the element-wise activations only (softmax is an output head).
  if (!isElementActivationName(value)) throw new UsageError(`--activation must be one of ${ACTIVATIONS.join(', ')}, got ${value}`);
  return value;
}

export function lossName(value: string): LossName {
  if (!isLossName(value)) throw new UsageError(`--loss must be one of ${LOSSES.join(', ')}, got ${value}`);
  return value;
}

export function optimizerName(value: string): OptimizerName {
  if (!isOptimizerName(value)) throw new UsageError(`--optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${value}`);
  return value;
}

export function batchSize(value: string): number | 'full' {
  if (value === 'full') return 'full';
  return positiveInteger('--batch-size')(value);
}

/** `--features a,b` → ['a', 'b']. */
export function nameList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** A JSON object given inline, or `@file.json`. */
export function jsonObject(flag: string) {
  return (value: string): Record<string, unknown> => {
    let text = value;
    if (value.startsWith('@')) {
      try {
        text = readFileSync(value.slice(1), 'utf8');
      } catch {
        throw new UsageError(`${flag}: cannot read ${value.slice(1)}`);
      }
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`${flag} must be a JSON object, got ${value} (${(err as Error).message})`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new UsageError(`${flag} must be a JSON object such as {"years_experience": 5}, got ${value}`);
    }
    return parsed as Record<string, unknown>;
  };
}

/** Prints a JSON document on stdout. */
export function printJson(doc: unknown): void {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}
