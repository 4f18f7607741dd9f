// `distillguard eval`: runs the detector over labelled traffic (a scenario simulated in memory, or the files
// `simulate` wrote) and scores it against the labels; writes DIR/eval.json and DIR/eval.html.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { DetectorParamsError } from '../detect/errors.ts';
import { ConfigError } from '../errors.ts';
import { renderEvalHtml, type EvalDocument, type EvalRunRow } from '../eval/eval-html.ts';
import { ATTACK_CLASSES, type EvalMetrics } from '../eval/metrics.ts';
import { parseSeedList, poolMetrics, runsMeetingTargets, type LabelledMetrics, type RunsMeetingTargets } from '../eval/pool.ts';
import { evalFiles, evalScenario, type EvalRun } from '../eval/run-eval.ts';
import { InputLineError } from '../report/input-lines.ts';
import { loadDetectorParams } from '../report/detector-config.ts';
import { dataDirFromFlag } from '../sim/prompts/data.ts';
import { logFiles } from './log-files.ts';
import { unrecordedNote } from './summary-lines.ts';
import { checkOutputFolder, fileErrorMessage, inputFile, outputFolder } from './paths.ts';

interface EvalFlags {
  scenario?: string;
  seed: string;
  seeds?: string;
  scale: string;
  days?: string;
  data?: string;
  events?: string[];
  accounts?: string;
  labels?: string;
  out: string;
  config?: string;
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('Score the detector against labelled traffic: --scenario NAME (simulated in memory) or --events/--accounts/--labels files.')
    .option('--scenario <names>', 'simulate this scenario in memory (e.g. mixed-holdout); several, comma-separated, are scored one by one and pooled')
    .option('--seed <n>', 'simulation seed', '1')
    .option('--seeds <list>', 'several seeds, e.g. 101,1-6: each scenario is run with each seed and the runs pooled (instead of --seed)')
    .option('--scale <x>', 'simulation scale (multiplies accounts)', '1')
    .option('--days <d>', 'simulated days (default: the scenario\'s)')
    .option('--data <path>', 'folder of public prompt sets for the simulator, or none for the built-in templates (default: ../shared/data when it exists)')
    .option('--events <paths...>', 'events.jsonl(.gz) written by simulate; as for analyze, several files are read in the order given, a folder (a gateway\'s data/events after a replay) gives its files, oldest first, and - reads standard input')
    .option('--accounts <file>', 'accounts.jsonl written by simulate')
    .option('--labels <file>', 'labels.json written by simulate')
    .option('--out <dir>', 'where eval.json and eval.html go', './eval')
    .option('--config <file>', 'config file whose detector: section overrides the fitted parameters')
    .action(async (flags: EvalFlags) => {
      process.exitCode = await runEval(flags);
    });
}

function parseNumber(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`${flag} must be a number, got "${value}"`);
  return n;
}

function seedList(text: string): number[] {
  try {
    return parseSeedList(text);
  } catch (err) {
    throw new ConfigError(`--seeds: ${(err as Error).message}`);
  }
}

function singleRunDocument(run: EvalRun, provenance: string | undefined): EvalDocument {
  return { version: 1, generated_at: new Date().toISOString(), source: run.source, events: run.events, params_provenance: provenance ?? null, metrics: run.metrics };
}

/** Several runs: the pooled metrics, and each run's own. */
function pooledDocument(runs: readonly { label: string; run: EvalRun }[], provenance: string | undefined): EvalDocument {
  const labelled: LabelledMetrics[] = runs.map(({ label, run }) => ({ label, metrics: run.metrics }));
  return {
    version: 1,
    generated_at: new Date().toISOString(),
    source: { pooled_runs: runs.length, runs: runs.map((r) => r.label).join(',') },
    events: runs.reduce((n, r) => n + r.run.events, 0),
    params_provenance: provenance ?? null,
    metrics: poolMetrics(labelled),
    runs_meeting_targets: runsMeetingTargets(labelled),
    runs: runs.map(({ label, run }) => ({ label, source: run.source, events: run.events, metrics: run.metrics })),
  };
}

export async function runEval(flags: EvalFlags): Promise<number> {
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'eval [{bar}] {percentage}% | {events} events{run}', stream: process.stderr, hideCursor: true }) : null;
  try {
    const params = loadDetectorParams(flags.config);
    // before any work: a long run should not end in a folder it cannot write to
    const dir = checkOutputFolder('--out', resolve(flags.out));
    const scenarios = flags.scenario?.split(',').map((name) => name.trim()).filter((name) => name !== '');
    if (scenarios !== undefined && (flags.events || flags.labels)) throw new ConfigError('give either --scenario or --events/--labels, not both');
    if (flags.seeds !== undefined && scenarios === undefined) throw new ConfigError('--seeds needs --scenario');
    const seeds = flags.seeds !== undefined ? seedList(flags.seeds) : [parseNumber(flags.seed, '--seed')];
    let doc: EvalDocument;
    bar?.start(100, 0, { events: 0, run: '' });
    if (scenarios !== undefined) {
      if (scenarios.length === 0) throw new ConfigError('--scenario needs a scenario name');
      const dataDir = dataDirFromFlag(flags.data, process.cwd());
      const grid = scenarios.flatMap((scenario) => seeds.map((seed) => ({ scenario, seed })));
      const runs: { label: string; run: EvalRun }[] = [];
      for (const [i, { scenario, seed }] of grid.entries()) {
        const label = `${scenario}:${seed}`;
        const progress = bar
          ? (done: number, events: number) => bar.update(Math.round(((i + done) / grid.length) * 100), { events: events.toLocaleString('en-US'), run: grid.length > 1 ? ` | run ${i + 1}/${grid.length} ${label}` : '' })
          : undefined;
        const run = evalScenario(
          {
            scenario,
            seed,
            scale: parseNumber(flags.scale, '--scale'),
            days: flags.days === undefined ? undefined : parseNumber(flags.days, '--days'),
            dataDir,
          },
          params,
          progress,
        );
        runs.push({ label, run });
      }
      doc = grid.length === 1 ? singleRunDocument(runs[0]!.run, params.provenance) : pooledDocument(runs, params.provenance);
    } else {
      if (!flags.events || !flags.labels) throw new ConfigError('give --scenario NAME, or --events FILE and --labels FILE (and --accounts FILE)');
      const events = logFiles('--events', flags.events);
      inputFile('--labels', flags.labels);
      if (flags.accounts) inputFile('--accounts', flags.accounts);
      const progress = bar ? (done: number, events: number) => bar.update(Math.round(done * 100), { events: events.toLocaleString('en-US'), run: '' }) : undefined;
      const run = await evalFiles({ eventsPath: events.length === 1 ? events[0]! : events, accountsPath: flags.accounts, labelsPath: flags.labels }, params, progress);
      checkLabelsMatch(run, flags.labels);
      if (run.accountsWithoutRecord) console.error(`eval: ${unrecordedNote(run.accountsWithoutRecord, run.results.accounts.length, flags.accounts)}`);
      doc = singleRunDocument(run, params.provenance);
    }
    bar?.update(100);
    bar?.stop();
    outputFolder('--out', dir);
    writeFileSync(join(dir, 'eval.json'), `${JSON.stringify(doc, null, 2)}\n`);
    writeFileSync(join(dir, 'eval.html'), renderEvalHtml(doc));
    if (doc.runs) console.log(runsTable(doc.runs));
    console.log(summaryTable(doc.metrics, doc.runs_meeting_targets));
    const runsNote = doc.runs ? ` in ${doc.runs.length} runs, pooled` : '';
    console.log(`eval: ${doc.events.toLocaleString('en-US')} events${runsNote}; wrote ${join(dir, 'eval.json')} and ${join(dir, 'eval.html')}`);
    return 0;
  } catch (err) {
    bar?.stop();
    if (err instanceof ConfigError || err instanceof DetectorParamsError || err instanceof InputLineError) {
      console.error(`distillguard eval: ${err.message}`);
      return 1;
    }
    const fileError = fileErrorMessage(err);
    if (fileError !== null) {
      console.error(`distillguard eval: ${fileError}`);
      return 1;
    }
    throw err;
  }
}

/**
 * Labels from another run label none of the accounts, and every metric comes out n/a: say so instead. Some
 * unlabelled accounts (a log edited by hand, say) are only reported: they are left out of the scores.
 */
function checkLabelsMatch(run: EvalRun, labelsPath: string): void {
  const { evaluated, unlabelled_in_results: unlabelled } = run.metrics.accounts;
  const seen = run.results.accounts.length;
  if (seen > 0 && evaluated === 0) {
    throw new ConfigError(`--labels ${labelsPath} labels none of the ${seen.toLocaleString('en-US')} accounts in the events; give the labels.json that simulate wrote with them`);
  }
  if (unlabelled > 0) console.error(`eval: ${unlabelled.toLocaleString('en-US')} of ${seen.toLocaleString('en-US')} accounts in the events have no label in ${labelsPath} and are left out of the scores`);
}

const pct = (v: number | null, d = 1) => (v === null ? 'n/a' : `${(v * 100).toFixed(d)}%`);

/** The short table printed at the end of a run. */
export function summaryTable(m: EvalMetrics, perRun?: RunsMeetingTargets): string {
  const rows: [string, string, string][] = [['metric', perRun ? 'value (pooled)' : 'value', 'target']];
  for (const c of ATTACK_CLASSES) {
    rows.push([`${c} precision / recall`, `${pct(m.classes[c].precision)} / ${pct(m.classes[c].recall)}`, `(${m.classes[c].support} accounts)`]);
  }
  const t = m.targets;
  const runs = (name: keyof RunsMeetingTargets) => (perRun ? ` (met in ${perRun[name].met}/${perRun[name].runs} runs)` : '');
  const mark = (met: boolean, name: keyof RunsMeetingTargets) => `${met ? 'ok' : 'MISSED'}${runs(name)}`;
  rows.push(['attack-account recall', pct(m.attack_recall.value), `>= 95% ${mark(t.attack_recall_min.met, 'attack_recall_min')}`]);
  rows.push(['benign false-positive rate', `${pct(m.benign_fpr.value, 2)} (${m.benign_fpr.numerator}/${m.benign_fpr.denominator})`, `<= 0.2% ${mark(t.benign_fpr_max.met, 'benign_fpr_max')}`]);
  const worst = Object.entries(m.benign_fpr_per_persona).sort(([, a], [, b]) => (b.rate ?? 0) - (a.rate ?? 0))[0];
  if (worst && (worst[1].rate ?? 0) > 0) rows.push(['  worst benign persona', `${worst[0]} ${pct(worst[1].rate)} (${worst[1].flagged}/${worst[1].accounts})`, '']);
  const ever = m.benign_ever_flagged;
  const everPersonas = Object.entries(ever.per_persona).map(([p, n]) => `${p} ${n}`).join(', ');
  rows.push(['benign ever flagged (streaming)', `${ever.numerator}/${ever.denominator}, ${pct(ever.requests_after.value, 2)} of benign requests after${everPersonas ? ` (${everPersonas})` : ''}`, '']);
  rows.push(['campaign pairwise F1', m.campaign_pairwise.f1 === null ? 'n/a' : m.campaign_pairwise.f1.toFixed(3), `>= 0.90 ${mark(t.campaign_pairwise_f1_min.met, 'campaign_pairwise_f1_min')}`]);
  rows.push(['served before flagged', pct(m.served_before_flagged.value), `<= 15% ${mark(t.served_before_flagged_max.met, 'served_before_flagged_max')}`]);
  const h = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)} h`);
  rows.push(['time to detect median / p90', `${h(m.time_to_detect.median_hours)} / ${h(m.time_to_detect.p90_hours)}`, `(${m.time_to_detect.detected}/${m.time_to_detect.campaigns} campaigns)`]);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map((r) => `${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`.trimEnd()).join('\n');
}

/** One line per run of a pooled evaluation, the targets each misses marked. */
export function runsTable(runs: readonly EvalRunRow[]): string {
  const rows: string[][] = [['run', 'events', 'recall', 'benign FP', 'ever flagged', 'pairwise F1', 'served before flag', 'targets']];
  for (const r of runs) {
    const m = r.metrics;
    const missed = Object.entries(m.targets).filter(([, t]) => !t.met).map(([name]) => name);
    rows.push([
      r.label, r.events.toLocaleString('en-US'), pct(m.attack_recall.value), `${m.benign_fpr.numerator}/${m.benign_fpr.denominator}`,
      String(m.benign_ever_flagged.numerator), m.campaign_pairwise.f1 === null ? 'n/a' : m.campaign_pairwise.f1.toFixed(3),
      pct(m.served_before_flagged.value), missed.length === 0 ? 'all met' : `MISSED ${missed.join(', ')}`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
