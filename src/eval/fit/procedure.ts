// The steps of the detector's fitting procedure (docs/fitting.md), each a plain function so the script that
// chains them stays short and every step can be tested on its own:
//   collectSamples  – simulate a scenario, stream it through the engine, snapshot every account's features at
//                     a few points in simulated time (early snapshots teach the heads what an attack looks like
//                     before it has finished, and what a benign account looks like on a noisy day);
//   fitHeads        – one L2 logistic head per flagged class, one-vs-rest, classes balanced;
//   chooseThresholds – the flag threshold that keeps benign accounts flagged at any snapshot under the target;
//   toParams        – the only step that knows the shape of DetectorParams.
import { Detector } from '../../detect/detector.ts';
import { FEATURE_NAMES } from '../../detect/signals/index.ts';
import { FLAGGED_VERDICTS, type DetectorParams, type FlaggedVerdict } from '../../detect/types.ts';
import { simulate } from '../../sim/simulate.ts';
import { SCENARIO_START_MS } from '../../sim/time.ts';
import type { TrueClass } from '../metrics.ts';
import { fitLogistic } from './logistic.ts';

export interface TrainingRun {
  scenario: string;
  seed: number;
  scale?: number;
  days?: number;
}

/** One account's feature vector at one snapshot. */
export interface Sample {
  run: string;
  account: string;
  cls: TrueClass;
  persona: string;
  /** 0-based snapshot index */
  at: number;
  x: Float64Array;
}

/** Fractions of the simulated period at which features are snapshotted. */
export const SNAPSHOTS = [0.1, 0.25, 0.5, 0.75, 1] as const;
/** An account enters a snapshot once it has sent this many requests. */
export const MIN_EVENTS = 3;

export function collectSamples(run: TrainingRun, params: DetectorParams, dataDir: string | null): { samples: Sample[]; events: number } {
  const sim = simulate({ scenario: run.scenario, seed: run.seed, scale: run.scale, days: run.days, dataDir });
  const detector = new Detector(params);
  for (const rec of sim.accounts) detector.ingestAccount(rec);
  const runId = `${run.scenario}/${run.seed}`;
  const startMs = SCENARIO_START_MS;
  const spanMs = sim.labels.days * 86_400_000;
  const counts = new Map<string, number>();
  const samples: Sample[] = [];
  let next = 0;
  let events = 0;
  const snapshot = (at: number) => {
    for (const [account, f] of detector.features()) {
      const label = sim.labels.accounts[account];
      if (!label || (counts.get(account) ?? 0) < MIN_EVENTS) continue;
      samples.push({ run: runId, account, cls: label.class, persona: label.persona, at, x: Float64Array.from(FEATURE_NAMES, (n) => f[n] ?? 0) });
    }
  };
  for (const ev of sim.events) {
    const t = Date.parse(ev.ts);
    while (next < SNAPSHOTS.length - 1 && t >= startMs + SNAPSHOTS[next]! * spanMs) snapshot(next++);
    detector.ingest(ev);
    counts.set(ev.account_id, (counts.get(ev.account_id) ?? 0) + 1);
    events++;
  }
  while (next < SNAPSHOTS.length) snapshot(next++);
  return { samples, events };
}

export type Heads = Record<FlaggedVerdict, { bias: number; weights: Float64Array }>;

/**
 * One-vs-rest heads. Positives and negatives carry equal total weight; within the negatives, benign accounts
 * weigh `benignWeight` times as much as other attack classes (false positives on customers cost most).
 */
export function fitHeads(samples: readonly Sample[], l2: number, benignWeight = 2): Heads {
  const rows = samples.map((s) => s.x);
  const heads = {} as Heads;
  for (const cls of FLAGGED_VERDICTS) {
    const y = samples.map((s) => (s.cls === cls ? 1 : 0));
    const raw = samples.map((s) => (s.cls === cls ? 1 : s.cls === 'benign' ? benignWeight : 1));
    let pos = 0, neg = 0;
    samples.forEach((s, i) => (y[i] ? (pos += raw[i]!) : (neg += raw[i]!)));
    if (pos === 0) throw new Error(`fitting: no ${cls} samples in the training runs`);
    const w = raw.map((r, i) => (y[i] ? r / pos : r / neg));
    const fit = fitLogistic(rows, y, w, { l2 });
    heads[cls] = { bias: fit.bias, weights: fit.weights };
  }
  return heads;
}

/** risk = max over heads of sigmoid(log-odds), as the engine's Scorer computes it. */
export function riskOf(heads: Heads, x: Float64Array): number {
  let best = -Infinity;
  for (const cls of FLAGGED_VERDICTS) {
    const h = heads[cls];
    let z = h.bias;
    for (let i = 0; i < x.length; i++) z += h.weights[i]! * x[i]!;
    if (z > best) best = z;
  }
  return 1 / (1 + Math.exp(-best));
}

export interface ThresholdChoice {
  flagged: number;
  suspicious: number;
  /** on the training samples, with an account counted once at its riskiest snapshot */
  train: { benignAccounts: number; benignFlagged: number; attackAccounts: number; attackFlagged: number };
}

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The lowest flag threshold at which at most `fprTarget` of benign accounts would ever be flagged (riskiest
 * snapshot), moved `marginLogit` further up in log-odds so the held-out rate has room; never below `floor`.
 * `suspicious` sits where `suspiciousShare` of benign accounts would be marked, below the flag threshold.
 */
export function chooseThresholds(heads: Heads, samples: readonly Sample[], fprTarget: number, marginLogit = 0.5, floor = 0.5, suspiciousShare = 0.02): ThresholdChoice {
  const maxRisk = new Map<string, { cls: TrueClass; risk: number }>();
  for (const s of samples) {
    const key = `${s.run}\u0000${s.account}`;
    const r = riskOf(heads, s.x);
    const prev = maxRisk.get(key);
    if (!prev || r > prev.risk) maxRisk.set(key, { cls: s.cls, risk: r });
  }
  const benign = [...maxRisk.values()].filter((v) => v.cls === 'benign').map((v) => v.risk).sort((a, b) => b - a);
  const allowed = Math.floor(fprTarget * benign.length);
  const edge = benign[allowed] ?? 0;
  const flagged = Math.min(0.999, Math.max(floor, sigmoid(logit(Math.min(Math.max(edge, 1e-6), 1 - 1e-6)) + marginLogit)));
  const suspEdge = benign[Math.floor(suspiciousShare * benign.length)] ?? 0;
  const suspicious = Math.min(flagged, Math.max(0.3, suspEdge));
  let benignFlagged = 0, attackAccounts = 0, attackFlagged = 0;
  for (const v of maxRisk.values()) {
    if (v.cls === 'benign') benignFlagged += v.risk >= flagged ? 1 : 0;
    else {
      attackAccounts++;
      if (v.risk >= flagged) attackFlagged++;
    }
  }
  return { flagged, suspicious, train: { benignAccounts: benign.length, benignFlagged, attackAccounts, attackFlagged } };
}

/** The adapter to DetectorParams: heads and thresholds into a copy of `base` (everything else kept). */
export function toParams(base: DetectorParams, heads: Heads, t: { flagged: number; suspicious: number; campaign: number }, provenance: string): DetectorParams {
  const p = structuredClone(base);
  for (const cls of FLAGGED_VERDICTS) {
    const weights: Record<string, number> = {};
    FEATURE_NAMES.forEach((name, i) => {
      const w = heads[cls].weights[i]!;
      if (Math.abs(w) >= 1e-4) weights[name] = Math.round(w * 1e4) / 1e4;
    });
    p.heads[cls] = { bias: Math.round(heads[cls].bias * 1e4) / 1e4, weights };
  }
  p.thresholds = { suspicious: round4(t.suspicious), flagged: round4(t.flagged), campaign: round4(t.campaign) };
  p.provenance = provenance;
  return p;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
