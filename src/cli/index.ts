// distillguard command line: one file per command, each registering itself here.
// Only the module of the command being run is loaded: a command's imports (the gateway's server, the
// detector, the simulator…) cost start-up time the others need not pay (about 0.2 s of CPU for all of them).
import { Command } from 'commander';

type Register = (program: Command) => void;

/** Each command module with the top-level commands its `register` adds. */
const MODULES: readonly { commands: readonly string[]; load: () => Promise<{ register: Register }> }[] = [
  { commands: ['accounts'], load: () => import('./accounts.ts') },
  { commands: ['actions', 'enforcement'], load: () => import('./actions.ts') },
  { commands: ['analyze'], load: () => import('./analyze.ts') },
  { commands: ['audit'], load: () => import('./audit.ts') },
  { commands: ['eval'], load: () => import('./eval.ts') },
  { commands: ['keys'], load: () => import('./keys.ts') },
  { commands: ['provenance'], load: () => import('./provenance.ts') },
  { commands: ['replay'], load: () => import('./replay.ts') },
  { commands: ['serve'], load: () => import('./serve.ts') },
  { commands: ['simulate'], load: () => import('./simulate.ts') },
];

/**
 * The modules to load for `argv`: the one of the named command alone, or all of them when no command is named
 * or the name is unknown (top-level help, `help <command>`, the error that lists the commands).
 */
export function modulesFor(argv: readonly string[]): (typeof MODULES)[number][] {
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  const named = MODULES.find((m) => name !== undefined && m.commands.includes(name));
  return named ? [named] : [...MODULES];
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('distillguard').description('Defends a model API against distillation attacks.').version('0.1.0');
  const modules = await Promise.all(modulesFor(argv).map((m) => m.load()));
  for (const m of modules) m.register(program);
  await program.parseAsync(argv);
}
