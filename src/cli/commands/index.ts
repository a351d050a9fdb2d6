/** Every command of the CLI; each file adds one. */
import type { Command } from 'commander';
import { registerTrain } from './train.js';
import { registerServe } from './serve.js';
import { registerPredict } from './predict.js';
import { registerGenData } from './gen-data.js';
import { registerEvaluate } from './evaluate.js';
import { registerExport } from './export.js';
import { registerExplain } from './explain.js';
import { registerNotes } from './notes.js';

export function registerCommands(program: Command): void {
  registerTrain(program);
  registerServe(program);
  registerPredict(program);
  registerGenData(program);
  registerEvaluate(program);
  registerExport(program);
  registerExplain(program);
  registerNotes(program);
}
