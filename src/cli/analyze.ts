// `distillguard analyze`: runs the streaming detector over a request log (log format v1) and writes report v1,
// optionally with its self-contained HTML view. Bad lines are counted and reported; --strict stops at the first.
// Modules only some runs need (the progress bar, the config file loader, the HTML renderer) are imported when
// needed: start-up time is part of every run. With two threads the engine thread is started before the
// detector's modules are loaded here, so that both threads load theirs at the same time.
import './analyze-compile-budget.ts'; // first: sets V8 flags before the other modules load
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DetectorInputError, DetectorParamsError } from '../detect/errors.ts';
import { isFlagged } from '../detect/types.ts';
import { ConfigError } from '../errors.ts';
import { pipelineUseful, startEngineThread, type EngineLink } from '../report/engine-thread.ts';
import { logFiles } from './log-files.ts';
import { counted, unrecordedNote } from './summary-lines.ts';
import { checkOutputFile, fileErrorMessage, inputFile, outputFile } from './paths.ts';

interface AnalyzeFlags {
  events: string[];
  accounts?: string;
  out: string;
  html?: string;
  config?: string;
  strict?: boolean;
  threads?: string;
  state?: string;
}

export function register(program: Command): void {
  program
    .command('analyze')
    .description('Run the detector over a request log (log format v1, .jsonl or .jsonl.gz) and write report v1.')
    .requiredOption('--events <paths...>', 'events.jsonl or events.jsonl.gz; several are read in the order given, a folder (the gateway\'s data/events) gives its files, oldest first, and - reads standard input')
    .option('--accounts <file>', 'accounts.jsonl (read first; richer campaign linking)')
    .requiredOption('--out <file>', 'where to write the report (JSON, report v1)')
    .option('--html <file>', 'also write the self-contained HTML report here')
    .option('--config <file>', 'config file (JSON or YAML); its detector: section overrides the fitted parameters')
    .option('--strict', 'stop at the first bad line instead of counting it and going on')
    .option('--state <file>', 'continue from the engine state in this file when it exists, and write the state back: run it log after log')
    .option('--threads <n>', '1: everything on one thread; 2: parse on one thread, detect on another (default: 2 on a multi-core machine)')
    .action(async (flags: AnalyzeFlags) => {
      process.exitCode = await analyze(flags);
    });
}

/** Runs the command; returns the process exit code (0 done, 1 input or configuration error). */
export async function analyze(flags: AnalyzeFlags): Promise<number> {
  const started = process.hrtime.bigint();
  const bar = process.stderr.isTTY ? new (await import('cli-progress')).SingleBar({ format: 'analyze [{bar}] {percentage}% | {events} events | {eta}s left', stream: process.stderr, hideCursor: true }) : null;
  let barStarted = false;
  let engine: EngineLink | undefined;
  // the class is only known once its module is loaded (the catch below needs it)
  let InputLineError: (typeof import('../report/input-lines.ts'))['InputLineError'] | undefined;
  try {
    // before any work: a long analysis should not end in a folder it cannot write to
    const events = logFiles('--events', flags.events);
    if (flags.accounts !== undefined) inputFile('--accounts', flags.accounts);
    checkOutputFile('--out', flags.out);
    if (flags.html !== undefined) checkOutputFile('--html', flags.html);
    if (flags.state !== undefined) outputFile('--state', flags.state);
    const threads = flags.threads === undefined ? (pipelineUseful() ? 2 : 1) : Number(flags.threads);
    if (threads !== 1 && threads !== 2) throw new ConfigError(`--threads must be 1 or 2, got ${flags.threads}`);
    if (threads === 2) engine = startEngineThread({ accountsPath: flags.accounts });
    // on two threads this one never runs the detector: the engine's modules load on the engine thread only
    const [{ InputLineError: lineError }, { analyze: run }, { defaultParams }, { writeReport }] = await Promise.all([
      import('../report/input-lines.ts'),
      engine ? import('../report/analyze-pipeline.ts').then((m) => ({ analyze: m.analyzeLogPipelined })) : import('../report/analyze-log.ts').then((m) => ({ analyze: m.analyzeLog })),
      import('../detect/params.ts'),
      import('../report/report-v1.ts'),
    ]);
    InputLineError = lineError;
    const params = flags.config ? (await import('../report/detector-config.ts')).loadDetectorParams(flags.config) : defaultParams();
    const { report } = await run({
      engine,
      eventsPath: events,
      statePath: flags.state,
      accountsPath: flags.accounts,
      params,
      strict: flags.strict ?? false,
      // no bar when the size is unknown (standard input)
      onProgress: bar
        ? (read, total, events) => {
            if (total === 0) return;
            if (!barStarted) {
              bar.start(total, 0, { events: 0 });
              barStarted = true;
            }
            bar.update(read, { events: events.toLocaleString('en-US') });
          }
        : undefined,
    });
    if (barStarted) bar!.stop();
    writeReport(outputFile('--out', flags.out), report);
    if (flags.html) writeFileSync(outputFile('--html', flags.html), (await import('../report/html.ts')).renderReportHtml(report));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const flagged = report.accounts.filter((a) => isFlagged(a.verdict)).length;
    // with --state the report holds the accounts of earlier runs too
    const accounts = counted(report.input.accounts, 'account');
    const lines = [
      `analyzed ${counted(report.input.events, 'event')} ${flags.state ? `(the state now holds ${accounts})` : `from ${accounts}`} in ${seconds.toFixed(1)} s (${Math.round(report.input.events / Math.max(seconds, 1e-3)).toLocaleString('en-US')} events/s)`,
      `flagged ${counted(flagged, 'account')} in ${counted(report.campaigns.length, 'campaign')}; ${counted(report.input.rejected, 'line')} rejected`,
      `report: ${flags.out}${flags.html ? `  html: ${flags.html}` : ''}`,
    ];
    const unrecorded = report.input.accounts_without_record;
    if (unrecorded) lines.push(`  ${unrecordedNote(unrecorded, report.input.accounts, flags.accounts)}`);
    const late = report.input.late_events;
    if (late) lines.push(`  ${counted(late, 'event')} came more than an hour before events read ahead of them: are the --events files in time order, oldest first?`);
    for (const ex of report.input.rejected_examples.slice(0, 5)) lines.push(`  rejected ${ex.path ?? ex.file} line ${ex.line} (${ex.field ?? 'not JSON'}): ${ex.message}`);
    console.error(lines.join('\n'));
    return 0;
  } catch (err) {
    if (barStarted) bar!.stop();
    // a run that failed before the pipeline took the engine thread over (e.g. a bad config) stops it here
    await engine?.close();
    if (InputLineError && err instanceof InputLineError) {
      console.error(`distillguard analyze: ${flags.strict ? 'stopped (--strict) at ' : ''}${err.message}`);
      return 1;
    }
    if (err instanceof ConfigError || err instanceof DetectorParamsError || err instanceof DetectorInputError) {
      console.error(`distillguard analyze: ${err.message}`);
      return 1;
    }
    const fileError = fileErrorMessage(err);
    if (fileError !== null) {
      console.error(`distillguard analyze: ${fileError}`);
      return 1;
    }
    throw err;
  }
}
