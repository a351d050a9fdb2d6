/** `chainrule notes`: every formula of the two notes, evaluated as written and checked by finite differences. */
import type { Command } from 'commander';
import { checkNotes } from '../../explain/index.js';
import { renderNotes } from '../../explain/render.js';
import { printJson } from '../options.js';

export function registerNotes(program: Command): void {
  program
    .command('notes')
    .description('check every formula of the two notes numerically; mark each as holds / slips')
    .option('--json', 'print one JSON document')
    .action((flags: { json?: boolean }) => {
      const report = checkNotes();
      if (flags.json) printJson(report);
      else process.stdout.write(renderNotes(report));
    });
}
