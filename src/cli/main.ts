#!/usr/bin/env node
/**
 * The `chainrule` command. Each command lives in its own file under commands/ and registers
 * itself on the program; this file only wires them and owns process.exit.
 */
import { Command, CommanderError } from 'commander';
import { reportError } from './errors.js';
import { registerCommands } from './commands/index.js';

export async function buildProgram(argv: string[]): Promise<Command> {
  const program = new Command();
  program
    .name('chainrule')
    .description('Neural networks that learn by backpropagation and explain every gradient')
    .version('0.1.0')
    .showHelpAfterError(false)
    .configureOutput({ outputError: (str, write) => write(`chainrule: ${str.replace(/^error: /, '').trim()}\n`) })
    .exitOverride();
  await registerCommands(program, argv[2]);
  program.commands.forEach((cmd) => cmd.exitOverride());
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; commander already printed its own message for usage errors.
      return err.exitCode === 0 ? 0 : 2;
    }
    return reportError(err);
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
