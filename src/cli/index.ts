// distillguard command line: one file per command, each registering itself here.
import { Command } from 'commander';
import { register as registerAccounts } from './accounts.ts';
import { register as registerActions } from './actions.ts';
import { register as registerAnalyze } from './analyze.ts';
import { register as registerAudit } from './audit.ts';
import { register as registerEval } from './eval.ts';
import { register as registerKeys } from './keys.ts';
import { register as registerProvenance } from './provenance.ts';
import { register as registerReplay } from './replay.ts';
import { register as registerServe } from './serve.ts';
import { register as registerSimulate } from './simulate.ts';

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('distillguard').description('Defends a model API against distillation attacks.').version('0.1.0');
  // Commands register below (one import each).
  registerAccounts(program);
  registerActions(program);
  registerAnalyze(program);
  registerAudit(program);
  registerEval(program);
  registerKeys(program);
  registerProvenance(program);
  registerReplay(program);
  registerServe(program);
  registerSimulate(program);
  await program.parseAsync(argv);
}
