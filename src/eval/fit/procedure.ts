// The steps of the detector's fitting procedure (docs/fitting.md), each a plain function so the script that
// chains them stays short and every step can be tested on its own:
//   collectSamples  – simulate a scenario, stream it through the engine, snapshot every account's features at
//                     a few points in simulated time (early snapshots teach the heads what an attack looks like
//                     before it has finished, and what a benign account looks like on a noisy day), and the
//                     communities the linker forms at the same moments, with their pooled features;
//   fitHeads        – one L2 logistic head per flagged class, one-vs-rest, classes balanced, and a second
//                     distillation head fitted on established (old) accounts alone;
//   chooseThresholds – the flag threshold that keeps benign accounts flagged at any snapshot under the target;
//   fitCampaignHead – the community head, on pooled samples of true campaigns and of benign communities, and
//                     its threshold;
//   toParams        – the only step that knows the shape of DetectorParams.
import type { AccountState } from '../../detect/account-state.ts';
import { pooledFeatures } from '../../detect/campaigns.ts';
import { Detector } from '../../detect/detector.ts';
import { findCommunities, type Community } from '../../detect/linkage/communities.ts';
import { EvidenceIndex } from '../../detect/linkage/evidence-index.ts';
import { BINDING_KINDS, KIND_FAMILY } from '../../detect/linkage/values.ts';
import { CAMPAIGN_FEATURE_NAMES } from '../../detect/scoring.ts';
import { computeFeatures, FEATURE_NAMES } from '../../detect/signals/index.ts';
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
  /** simulate with the built-in prompt templates even when the public prompt sets are at hand */
  builtinPrompts?: boolean;
}

/** The prompt sets a run simulates with: the public ones at `dataDir`, or none (built-in templates). */
export function promptDataDir(run: TrainingRun, dataDir: string | null): string | null {
  return run.builtinPrompts ? null : dataDir;
}

/** A run's name in logs and sample ids: `scenario:seed`, with `:builtin` when it uses the built-in prompts. */
export function runName(run: TrainingRun): string {
  return `${run.scenario}:${run.seed}${run.builtinPrompts ? ':builtin' : ''}`;
}

/** One account's feature vector at one snapshot. */
export interface Sample {
  run: string;
  account: string;
  cls: TrueClass;
  persona: string;
  /** 0-based snapshot index (time snapshots), or SNAPSHOTS.length + i at the account's EVENT_SNAPSHOTS[i]-th request */
  at: number;
  x: Float64Array;
}

/** The highest own risk an account reached at any of its events in a streaming pass (engine's heads). */
export interface StreamingPeak {
  run: string;
  account: string;
  cls: TrueClass;
  persona: string;
  risk: number;
}

/** One community the linker formed at one snapshot, with its pooled features and its members' own. */
export interface CommunitySample {
  run: string;
  at: number;
  /** the members' true class in majority, and the share of members that are attackers */
  cls: TrueClass;
  attackShare: number;
  /** CAMPAIGN_FEATURE_NAMES; the member-risk slot is filled from `members` by the heads being fitted */
  x: Float64Array;
  /** the members' own feature vectors (FEATURE_NAMES) */
  members: Float64Array[];
}

/** `at` of a community sample taken at one of the engine's own relinks rather than at a snapshot. */
export const RELINK_SNAPSHOT = -1;
/** Event time after which a community the relinks keep forming is sampled again. */
export const RELINK_RESAMPLE_MS = 24 * 3_600_000;
/** Fractions of the simulated period at which features are snapshotted. */
export const SNAPSHOTS = [0.1, 0.25, 0.5, 0.75, 1] as const;
/** An account enters a snapshot once it has sent this many requests. */
export const MIN_EVENTS = 3;
/**
 * Each account is also snapshotted right after these requests of its own: the engine scores at every event,
 * and an account's first requests (few, noisy shares) are where a benign account is most easily misread.
 */
export const EVENT_SNAPSHOTS = [3, 5, 8, 13, 21, 34, 55] as const;

/**
 * `gated`: communities form as the engine forms them with `params` (accounts below the member gate of their
 * own risk stay out); ungated, every account may join (the heads are not fitted yet, so their risk means nothing).
 */
export function collectSamples(
  run: TrainingRun,
  params: DetectorParams,
  dataDir: string | null,
  gated = true,
): { samples: Sample[]; communities: CommunitySample[]; peaks: StreamingPeak[]; events: number } {
  const sim = simulate({ scenario: run.scenario, seed: run.seed, scale: run.scale, days: run.days, dataDir: promptDataDir(run, dataDir) });
  const detector = new Detector(params);
  for (const rec of sim.accounts) detector.ingestAccount(rec);
  const runId = runName(run);
  const startMs = SCENARIO_START_MS;
  const spanMs = sim.labels.days * 86_400_000;
  const counts = new Map<string, number>();
  const samples: Sample[] = [];
  const communities: CommunitySample[] = [];
  let next = 0;
  let events = 0;
  let lastMs = startMs;
  const peak = new Map<string, number>();
  const addCommunity = (c: Community, at: number, memberFeatures: (idx: number) => Float64Array) => {
    const accounts = detector.accounts;
    const x = new Float64Array(CAMPAIGN_FEATURE_NAMES.length);
    pooledFeatures(c, accounts, lastMs, detector.params, x);
    const byClass = new Map<TrueClass, number>();
    for (const m of c.members) {
      const cls = sim.labels.accounts[accounts[m]!.id]?.class ?? 'benign';
      byClass.set(cls, (byClass.get(cls) ?? 0) + 1);
    }
    let cls: TrueClass = 'benign';
    for (const [k, n] of byClass) if (n > (byClass.get(cls) ?? 0)) cls = k;
    const attackShare = 1 - (byClass.get('benign') ?? 0) / c.members.length;
    communities.push({ run: runId, at, cls, attackShare, x, members: c.members.map(memberFeatures) });
  };
  /** An account's own features at `atMs`, as the engine scores it. */
  const ownFeatures = (acc: AccountState, atMs: number) => {
    const x = new Float64Array(FEATURE_NAMES.length);
    computeFeatures({ counters: acc.counters, users: acc.users, metas: [acc.meta], atMs }, detector.params.shrinkage, x);
    return x;
  };
  const snapshot = (at: number) => {
    const own = new Map<string, Float64Array>();
    for (const [account, f] of detector.features()) {
      const x = Float64Array.from(FEATURE_NAMES, (n) => f[n] ?? 0);
      own.set(account, x);
      const label = sim.labels.accounts[account];
      if (!label || (counts.get(account) ?? 0) < MIN_EVENTS) continue;
      samples.push({ run: runId, account, cls: label.class, persona: label.persona, at, x });
    }
    const accounts = detector.accounts;
    const run = findCommunities(detector.index, accounts.length, detector.params, gated ? (i) => accounts[i]!.ownRisk : () => 1);
    const seen = new Set<string>();
    for (const c of [...run.communities, ...holderGroups(detector)]) {
      const key = c.members.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      addCommunity(c, at, (m) => own.get(accounts[m]!.id)!);
    }
  };
  // Communities the engine's own relinks form between snapshots: one that lives for an hour (eval labs
  // sharing a benchmark's sentences while their sweeps make them suspicious) flags its members all the same,
  // so the campaign head must see it. Each membership at most once per RELINK_RESAMPLE_MS of event time: a
  // community that lasts grows riskier (or safer) as its members' counters move.
  let relinked = detector.lastCommunities;
  const relinkSeen = new Map<string, number>();
  for (const ev of sim.events) {
    const t = Date.parse(ev.ts);
    while (next < SNAPSHOTS.length - 1 && t >= startMs + SNAPSHOTS[next]! * spanMs) snapshot(next++);
    detector.ingest(ev);
    if (t > lastMs) lastMs = t;
    if (gated && detector.lastCommunities !== relinked) {
      relinked = detector.lastCommunities;
      for (const c of relinked) {
        const key = c.members.join(',');
        if (t - (relinkSeen.get(key) ?? -Infinity) < RELINK_RESAMPLE_MS) continue;
        relinkSeen.set(key, t);
        addCommunity(c, RELINK_SNAPSHOT, (m) => ownFeatures(detector.accounts[m]!, lastMs));
      }
    }
    const n = (counts.get(ev.account_id) ?? 0) + 1;
    counts.set(ev.account_id, n);
    const acc = detector.byId.get(ev.account_id)!;
    // as the engine acts: an account's own score flags only from its min_own_requests-th request
    if (acc.counters[0]! > detector.params.min_own_requests - 0.5 && acc.ownRisk > (peak.get(acc.id) ?? -1)) peak.set(acc.id, acc.ownRisk);
    const e = EVENT_SNAPSHOTS.indexOf(n as (typeof EVENT_SNAPSHOTS)[number]);
    const label = e >= 0 ? sim.labels.accounts[acc.id] : undefined;
    if (label) samples.push({ run: runId, account: acc.id, cls: label.class, persona: label.persona, at: SNAPSHOTS.length + e, x: ownFeatures(acc, t) });
    events++;
  }
  while (next < SNAPSHOTS.length) snapshot(next++);
  const peaks: StreamingPeak[] = [];
  for (const [account, risk] of peak) {
    const label = sim.labels.accounts[account];
    if (label) peaks.push({ run: runId, account, cls: label.class, persona: label.persona, risk });
  }
  return { samples, communities, peaks, events };
}

export interface Head {
  bias: number;
  weights: Float64Array;
}
/** The class heads and the established-account distillation head (types.ts `established_head`). */
export type Heads = Record<FlaggedVerdict, Head> & { established?: Head & { maxAccountNew: number } };

/**
 * Accounts at least this established (`account_new` = 1 / (1 + days/7) ≤ 0.1: nine weeks old or more) get
 * the second distillation head. Sleepers are aged two to five months and launderers years; hydra, jailbreak
 * and extraction accounts are days or weeks old, so the established head is fitted where they are absent.
 */
export const ESTABLISHED_MAX_ACCOUNT_NEW = 0.1;
const ACCOUNT_NEW = FEATURE_NAMES.indexOf('account_new');

/**
 * Features the established head does not weigh. `multi_completion_share` is the level of n > 1: copywriting
 * services and eval labs among old accounts use it from their first day, so the head learned it as a sign of
 * a customer (−26 in the second fit) and held back the launderers whose harvest buys four completions a third
 * of the time; what tells a harvest apart is the onset, which `harvest_onset` keeps. Chosen by
 * leaving each training run out (fit on the others, score the run's launderers at the time snapshots against
 * the highest benign log-odds of the training runs): launderers ever above it 9/13 → 13/13, first above it
 * at the 50 % snapshot on average instead of the 75 %, sleepers 134/134 either way.
 */
export const ESTABLISHED_EXCLUDED_FEATURES: readonly string[] = ['multi_completion_share'];
const ESTABLISHED_EXCLUDED = ESTABLISHED_EXCLUDED_FEATURES.map((name) => FEATURE_NAMES.indexOf(name));

/**
 * How the benign samples share the benign weight. `account`: every sample alike, so a persona weighs by how
 * many samples it has (in the default training runs casual users hold 42.9 % of the benign samples, eval labs 1.7 %);
 * `persona`: every benign persona carries the same total, so the rare hard negatives (eval labs, tutoring
 * apps, routers) shape the heads as much as the common ones; `sqrt`: between the two, a persona's total grows
 * with the square root of its samples. The total benign weight is the same in all three.
 */
/** per balance, the exponent e: a persona's total benign weight grows as (its samples)^(1 − e) */
const BALANCE_EXPONENT = { account: 0, sqrt: 0.5, persona: 1 } as const;
export type BenignBalance = keyof typeof BALANCE_EXPONENT;
export const BENIGN_BALANCES = Object.keys(BALANCE_EXPONENT) as readonly BenignBalance[];

export interface HeadWeighting {
  /** benign samples weigh this many times as much as other attack classes among the negatives */
  benignWeight: number;
  benignBalance: BenignBalance;
}
export const DEFAULT_WEIGHTING: HeadWeighting = { benignWeight: 2, benignBalance: 'account' };

/**
 * One-vs-rest sample weights, positives being the samples `isPositive` picks: both sides carry equal total weight;
 * among the negatives, benign samples weigh `benignWeight` times as much as other attack classes, shared out
 * as `benignBalance` says. Null when either side is empty.
 */
export function classWeights(samples: readonly Sample[], isPositive: (s: Sample) => boolean, weighting: HeadWeighting): { y: number[]; w: number[] } | null {
  const perPersona = new Map<string, number>();
  let benign = 0;
  for (const s of samples) {
    if (s.cls !== 'benign' || isPositive(s)) continue;
    benign++;
    perPersona.set(s.persona, (perPersona.get(s.persona) ?? 0) + 1);
  }
  const e = BALANCE_EXPONENT[weighting.benignBalance];
  let shares = 0;
  for (const n of perPersona.values()) shares += n ** (1 - e);
  const benignRaw = (s: Sample): number => (weighting.benignWeight * benign * perPersona.get(s.persona)! ** -e) / shares;
  const y = samples.map((s) => (isPositive(s) ? 1 : 0));
  const raw = samples.map((s, i) => (y[i] ? 1 : s.cls === 'benign' ? benignRaw(s) : 1));
  let pos = 0, neg = 0;
  raw.forEach((r, i) => (y[i] ? (pos += r) : (neg += r)));
  if (pos === 0 || neg === 0) return null;
  return { y, w: raw.map((r, i) => (y[i] ? r / pos : r / neg)) };
}

/**
 * One-vs-rest heads, weighted by `classWeights`.
 * (Giving every attack persona equal weight among the positives was tried: on the training runs' streaming
 * pass it let 1,582 rather than 1,804 of 1,895 attackers reach the flag threshold, so it was dropped.)
 */
export function fitHeads(samples: readonly Sample[], l2: number, weighting: HeadWeighting = DEFAULT_WEIGHTING): Heads {
  const rows = samples.map((s) => s.x);
  const heads = {} as Heads;
  for (const cls of FLAGGED_VERDICTS) {
    const cw = classWeights(samples, (s) => s.cls === cls, weighting);
    if (!cw) throw new Error(`fitting: no ${cls} samples in the training runs`);
    const fit = fitLogistic(rows, cw.y, cw.w, { l2 });
    heads[cls] = { bias: fit.bias, weights: fit.weights };
  }
  const established = fitEstablishedHead(samples, l2, weighting);
  if (established) heads.established = established;
  return heads;
}

/**
 * The distillation head of established accounts, fitted on their samples alone with the same weighting
 * (distillers against benign accounts and other attackers): among old accounts the
 * harvest's shape and the change from the account's own first day carry the weight that newness carries
 * among all. Null when the training runs hold no established distiller.
 */
export function fitEstablishedHead(samples: readonly Sample[], l2: number, weighting: HeadWeighting = DEFAULT_WEIGHTING, maxAccountNew = ESTABLISHED_MAX_ACCOUNT_NEW): (Head & { maxAccountNew: number }) | null {
  const sub = samples.filter((s) => s.x[ACCOUNT_NEW]! <= maxAccountNew);
  const cw = classWeights(sub, (s) => s.cls === 'distillation', weighting);
  if (!cw) return null;
  // an excluded column is constant (0) for the fit, which gives it no weight
  const rows = sub.map((s) => {
    const x = Float64Array.from(s.x);
    for (const i of ESTABLISHED_EXCLUDED) x[i] = 0;
    return x;
  });
  const fit = fitLogistic(rows, cw.y, cw.w, { l2 });
  return { bias: fit.bias, weights: fit.weights, maxAccountNew };
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
  const est = heads.established;
  if (est && x[ACCOUNT_NEW]! <= est.maxAccountNew) {
    let z = est.bias;
    for (let i = 0; i < x.length; i++) z += est.weights[i]! * x[i]!;
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

/** Holder groups larger than this are not pooled (a value that common carries no evidence anyway). */
const MAX_GROUP = 500;

/**
 * Groups of accounts that share one binding value (a card, a signup block in a creation burst, an e-mail
 * shape in a burst), whether or not the linker would form them: the benign ones (an enterprise on one card,
 * a campus signing up in a burst) are the negatives the campaign head must learn to leave alone, and the
 * linker, gated, seldom forms them on training data. Families are those of every value at least two
 * members share.
 */
export function holderGroups(detector: Detector): Community[] {
  const p = detector.params.linkage;
  const n = detector.accounts.length;
  const out: Community[] = [];
  for (const e of detector.index.entries.values()) {
    if (!BINDING_KINDS.has(e.kind) || e.members.length < p.min_campaign_size || e.members.length > MAX_GROUP) continue;
    const counts = new Map<string, number>();
    for (const m of e.members) for (const key of detector.accounts[m]!.values) counts.set(key, (counts.get(key) ?? 0) + 1);
    const families = new Set<string>();
    for (const [key, c] of counts) {
      if (c < 2) continue;
      const entry = detector.index.entries.get(key)!;
      if (EvidenceIndex.weight(entry, n, p.kind_weights[entry.kind] ?? 0, p.max_value_share, p.common_floor, p.burst_min_accounts) > 0) families.add(KIND_FAMILY[entry.kind]);
    }
    out.push({ members: [...e.members].sort((a, b) => a - b), evidence: [], families });
  }
  return out;
}

/** Member-risk slot of a community's features (CAMPAIGN_FEATURE_NAMES). */
const MEMBER_RISK = CAMPAIGN_FEATURE_NAMES.indexOf('campaign_member_risk');

/** `c.x` with its member-risk slot filled by `heads` (as the engine fills it from its members' own risk). */
export function communityRow(heads: Heads, c: CommunitySample): Float64Array {
  const x = Float64Array.from(c.x);
  let risk = 0;
  for (const m of c.members) risk += riskOf(heads, m);
  x[MEMBER_RISK] = c.members.length > 0 ? risk / c.members.length : 0;
  return x;
}

export interface CampaignHeadFit {
  head: { bias: number; weights: Float64Array };
  /** campaign threshold */
  threshold: number;
  /** on the training communities: those counted once per run and snapshot */
  train: { benignCommunities: number; benignFlagged: number; attackCommunities: number; attackFlagged: number };
}

/**
 * The community head: positives are communities whose members are mostly attackers, negatives the benign
 * ones (campuses, enterprises, whatever the linker groups); both carry equal total weight, and a community
 * weighs by its size (log2) so one large hydra snapshot is not outweighed by many three-account fragments.
 * The threshold is the lowest risk above every benign community's, moved `marginLogit` up, never below `floor`.
 */
export function fitCampaignHead(heads: Heads, communities: readonly CommunitySample[], l2: number, marginLogit = 0.5, floor = 0.5): CampaignHeadFit {
  const rows = communities.map((c) => communityRow(heads, c));
  const y = communities.map((c) => (c.cls !== 'benign' ? 1 : 0));
  const raw = communities.map((c) => 1 + Math.log2(c.members.length));
  let pos = 0, neg = 0;
  raw.forEach((r, i) => (y[i] ? (pos += r) : (neg += r)));
  if (pos === 0) throw new Error('fitting: the linker formed no attack community in the training runs');
  const w = raw.map((r, i) => (y[i] ? r / pos : neg > 0 ? r / neg : 0));
  const fit = fitLogistic(rows, y, w, { l2 });
  const head = { bias: fit.bias, weights: fit.weights };
  const riskOfRow = (x: Float64Array) => {
    let z = head.bias;
    for (let i = 0; i < x.length; i++) z += head.weights[i]! * x[i]!;
    return sigmoid(z);
  };
  const risks = rows.map(riskOfRow);
  let benignMax = 0;
  risks.forEach((r, i) => {
    if (!y[i] && r > benignMax) benignMax = r;
  });
  const threshold = Math.min(0.999, Math.max(floor, sigmoid(logit(Math.min(Math.max(benignMax, 1e-6), 1 - 1e-6)) + marginLogit)));
  let benignCommunities = 0, benignFlagged = 0, attackCommunities = 0, attackFlagged = 0;
  risks.forEach((r, i) => {
    if (y[i]) {
      attackCommunities++;
      if (r >= threshold) attackFlagged++;
    } else {
      benignCommunities++;
      if (r >= threshold) benignFlagged++;
    }
  });
  return { head, threshold, train: { benignCommunities, benignFlagged, attackCommunities, attackFlagged } };
}

/**
 * The flag threshold from a streaming pass with the fitted heads: the lowest at which at most `fprTarget` of
 * benign accounts ever reached it at any of their events (the engine flags at the first such event, and the
 * gateway acts on it), moved `marginLogit` up; never below `floor`. Also the share of attackers that reach it.
 */
export function streamingThreshold(peaks: readonly StreamingPeak[], fprTarget: number, marginLogit = 0.5, floor = 0.5): { flagged: number; benignAccounts: number; benignFlagged: number; attackAccounts: number; attackFlagged: number } {
  const benign = peaks.filter((p) => p.cls === 'benign').map((p) => p.risk).sort((a, b) => b - a);
  const edge = benign[Math.floor(fprTarget * benign.length)] ?? 0;
  const flagged = Math.min(0.9999, Math.max(floor, sigmoid(logit(Math.min(Math.max(edge, 1e-6), 1 - 1e-6)) + marginLogit)));
  const attack = peaks.filter((p) => p.cls !== 'benign');
  return {
    flagged,
    benignAccounts: benign.length,
    benignFlagged: benign.filter((r) => r >= flagged).length,
    attackAccounts: attack.length,
    attackFlagged: attack.filter((p) => p.risk >= flagged).length,
  };
}

/** The adapter to DetectorParams: heads and thresholds into a copy of `base` (everything else kept). */
export function toParams(
  base: DetectorParams,
  heads: Heads,
  campaignHead: { bias: number; weights: Float64Array },
  t: { flagged: number; suspicious: number; campaign: number },
  provenance: string,
): DetectorParams {
  const p = structuredClone(base);
  const head = (h: { bias: number; weights: Float64Array }, names: readonly string[]) => {
    const weights: Record<string, number> = {};
    names.forEach((name, i) => {
      const w = h.weights[i]!;
      if (Math.abs(w) >= 1e-4) weights[name] = Math.round(w * 1e4) / 1e4;
    });
    return { bias: Math.round(h.bias * 1e4) / 1e4, weights };
  };
  for (const cls of FLAGGED_VERDICTS) p.heads[cls] = head(heads[cls], FEATURE_NAMES);
  if (heads.established) p.established_head = { ...head(heads.established, FEATURE_NAMES), max_account_new: heads.established.maxAccountNew };
  else delete p.established_head;
  p.campaign_head = head(campaignHead, CAMPAIGN_FEATURE_NAMES);
  p.thresholds = { suspicious: round4(t.suspicious), flagged: round4(t.flagged), campaign: round4(t.campaign) };
  p.provenance = provenance;
  return p;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
