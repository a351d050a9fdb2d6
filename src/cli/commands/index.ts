/** Every command of the CLI; each file adds one. */
import type { Command } from 'commander';
import { registerTrain } from './train.js';

export function registerCommands(program: Command): void {
  registerTrain(program);
}
