import type { Command } from 'commander';

export function registerTrain(program: Command): void {
  program.command('train').description('train a network (in progress)').action(() => {
    throw new Error('train: not implemented yet');
  });
}
