// distillguard command line: one file per command, each registering itself here.
import { Command } from 'commander';

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('distillguard').description('Defends a model API against distillation attacks.').version('0.1.0');
  // Commands register below (one import each).
  await program.parseAsync(argv);
}
