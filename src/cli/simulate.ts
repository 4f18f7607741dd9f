// `distillguard simulate`: labelled synthetic traffic (benign personas and attack campaigns) in log format v1.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { ConfigError } from '../errors.ts';
import { dataDirFromFlag } from '../sim/prompts/data.ts';
import { scenarioNames } from '../sim/scenarios.ts';
import { simulate } from '../sim/simulate.ts';
import { SCENARIO_START_MS } from '../sim/time.ts';
import { writeSimulation } from '../sim/writer.ts';
import { checkOutputFolder, fileErrorMessage, outputFolder } from './paths.ts';

interface SimulateFlags {
  scenario: string;
  out: string;
  seed: string;
  scale: string;
  days?: string;
  data?: string;
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description('Write labelled simulated traffic: DIR/accounts.jsonl, DIR/events.jsonl (log format v1) and DIR/labels.json.')
    .option('--scenario <name>', `one of: ${scenarioNames().join(', ')}`, 'mixed')
    .requiredOption('--out <dir>', 'output folder (created if missing)')
    .option('--seed <n>', 'random seed; the same seed gives byte-identical files', '1')
    .option('--scale <x>', 'multiplies the number of accounts', '1')
    .option('--days <d>', 'length of the simulated period (default: the scenario\'s)')
    .option('--data <path>', 'folder of public prompt sets, or none for the built-in templates (default: ../shared/data when it exists, else the built-in templates)')
    .action((flags: SimulateFlags) => {
      process.exitCode = runSimulate(flags);
    });
}

function parseNumber(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`${flag} must be a number, got "${value}"`);
  return n;
}

/** Runs the command; returns the process exit code (0 done, 1 bad input). */
export function runSimulate(flags: SimulateFlags): number {
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'simulate [{bar}] {percentage}% of simulated time | {events} events', stream: process.stderr, hideCursor: true }) : null;
  try {
    const dataDir = dataDirFromFlag(flags.data, process.cwd());
    const out = checkOutputFolder('--out', resolve(flags.out));
    const result = simulate({
      scenario: flags.scenario,
      seed: parseNumber(flags.seed, '--seed'),
      scale: parseNumber(flags.scale, '--scale'),
      days: flags.days === undefined ? undefined : parseNumber(flags.days, '--days'),
      dataDir,
    });
    const span = result.labels.days * 86_400_000;
    bar?.start(100, 0, { events: 0 });
    outputFolder('--out', out);
    const summary = writeSimulation(out, result, bar
      ? (written, ts) => bar.update(Math.min(100, Math.floor(((Date.parse(ts) - SCENARIO_START_MS) / span) * 100)), { events: written.toLocaleString('en-US') })
      : undefined);
    bar?.update(100, { events: summary.events.toLocaleString('en-US') });
    bar?.stop();
    const campaigns = Object.keys(result.labels.campaigns).length;
    console.log(`simulate: scenario ${result.labels.scenario}, seed ${result.labels.seed}, ${summary.accounts} accounts, ${campaigns} campaigns, ` +
      `${summary.events} events (prompts: ${result.labels.prompt_source}) -> ${summary.dir}`);
    return 0;
  } catch (err) {
    bar?.stop();
    const message = err instanceof ConfigError ? err.message : fileErrorMessage(err);
    if (message !== null) {
      console.error(`distillguard simulate: ${message}`);
      return 1;
    }
    throw err;
  }
}
