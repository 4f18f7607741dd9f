// Runs the detector over labelled traffic and scores it: either a scenario simulated in memory (no files) or
// the files `simulate` wrote. Both paths feed the engine the same way `analyze` does (accounts first, events
// in log order) and tally served-before-flagged requests on the way.
import { Detector } from '../detect/detector.ts';
import type { AccountResult, CampaignResult, DetectorParams } from '../detect/types.ts';
import { analyzeLog } from '../report/analyze-log.ts';
import { simulate } from '../sim/simulate.ts';
import { readLabels } from './labels.ts';
import { computeMetrics, ServedTally, type EvalLabels, type EvalMetrics } from './metrics.ts';

export interface ScenarioSource {
  scenario: string;
  seed?: number;
  scale?: number;
  days?: number;
  /** public prompt sets for the simulator (null: built-in templates) */
  dataDir?: string | null;
}

export interface FileSource {
  /** a file, or files read one after the other as one log (analyze's --events) */
  eventsPath: string | readonly string[];
  accountsPath?: string;
  labelsPath: string;
}

export interface EvalRun {
  source: { scenario: string; seed: number; scale: number; days: number } | { events: string | readonly string[]; accounts: string | null; labels: string };
  events: number;
  metrics: EvalMetrics;
  results: { accounts: AccountResult[]; campaigns: CampaignResult[] };
  /** per account first flagged as a member of a campaign (which may since have dissolved), every account that campaign had held up to then */
  campaignAtFlag: ReadonlyMap<string, readonly string[]>;
  /** accounts in the events that no account record described (files only; simulated runs have them all) */
  accountsWithoutRecord?: number;
  /** the engine after the run (the fitting script reads its features) */
  detector: Detector;
  labels: EvalLabels;
}

export interface EvalProgress {
  /** fraction of the run done, 0..1 */
  (done: number, events: number): void;
}

const PROGRESS_EVERY = 4096;

export function evalScenario(src: ScenarioSource, params?: DetectorParams, onProgress?: EvalProgress): EvalRun {
  const sim = simulate({ scenario: src.scenario, seed: src.seed, scale: src.scale, days: src.days, dataDir: src.dataDir ?? null });
  const detector = new Detector(params);
  for (const rec of sim.accounts) detector.ingestAccount(rec);
  const tally = new ServedTally();
  const spanMs = sim.labels.days * 86_400_000;
  let startMs = NaN;
  let events = 0;
  for (const ev of sim.events) {
    tally.observe(ev, detector.ingest(ev));
    events++;
    if (onProgress && events % PROGRESS_EVERY === 0) {
      const t = Date.parse(ev.ts);
      if (Number.isNaN(startMs)) startMs = t;
      onProgress(Math.min(1, (t - startMs) / spanMs), events);
    }
  }
  detector.flush();
  const results = detector.results();
  const { labels } = sim;
  return {
    source: { scenario: labels.scenario, seed: labels.seed, scale: labels.scale, days: labels.days },
    events,
    metrics: computeMetrics(labels, results.accounts, tally),
    results,
    campaignAtFlag: tally.campaignAtFlag,
    detector,
    labels,
  };
}

export async function evalFiles(src: FileSource, params?: DetectorParams, onProgress?: EvalProgress): Promise<EvalRun> {
  const labels = readLabels(src.labelsPath);
  const tally = new ServedTally();
  const { report, detector } = await analyzeLog({
    eventsPath: src.eventsPath,
    accountsPath: src.accountsPath,
    params,
    onIngested: (ev, decisions) => tally.observe(ev, decisions),
    onProgress: onProgress ? (read, total, events) => onProgress(total > 0 ? read / total : 0, events) : undefined,
  });
  const results = { accounts: report.accounts, campaigns: report.campaigns };
  return {
    source: { events: src.eventsPath, accounts: src.accountsPath ?? null, labels: src.labelsPath },
    events: report.input.events,
    accountsWithoutRecord: report.input.accounts_without_record ?? 0,
    metrics: computeMetrics(labels, results.accounts, tally),
    results,
    campaignAtFlag: tally.campaignAtFlag,
    detector,
    labels,
  };
}
