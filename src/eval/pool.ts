// Pooling the metrics of several evaluation runs (scenarios × seeds) into one set, as if the runs were one
// labelled population: counts add up, rates are recomputed from the sums, campaign pairs add up (a pair never
// spans two runs), and time to detect is taken over every run's campaigns. One run's 1 benign account in 150
// misses the 0.2 % target on its own; over all benign accounts of the runs it is what the target asks about.
import {
  ATTACK_CLASSES, divide, pairScores, quantile, ratio, sortKeys, TARGETS, targetsOf,
  type AttackClass, type CampaignDetection, type ClassMetrics, type EvalMetrics, type GroupRate, type Ratio, type TrueClass,
} from './metrics.ts';

export interface LabelledMetrics {
  /** names the run, e.g. `small-holdout:101`; prefixes its campaign ids in the pooled time-to-detect list */
  label: string;
  metrics: EvalMetrics;
}

type TargetName = keyof typeof TARGETS;

/** How many of the runs meet each target on their own. */
export type RunsMeetingTargets = Record<TargetName, { met: number; runs: number }>;

export function poolMetrics(runs: readonly LabelledMetrics[]): EvalMetrics {
  if (runs.length === 0) throw new Error('poolMetrics: no runs');
  const ms = runs.map((r) => r.metrics);
  const sum = (f: (m: EvalMetrics) => number) => ms.reduce((s, m) => s + f(m), 0);
  const pooledRatio = (f: (m: EvalMetrics) => Ratio): Ratio => ratio(sum((m) => f(m).numerator), sum((m) => f(m).denominator));

  const classes = {} as Record<AttackClass, ClassMetrics>;
  for (const c of ATTACK_CLASSES) {
    const support = sum((m) => m.classes[c].support);
    const predicted = sum((m) => m.classes[c].predicted);
    const tp = sum((m) => m.classes[c].true_positives);
    classes[c] = { support, predicted, true_positives: tp, precision: divide(tp, predicted), recall: divide(tp, support) };
  }
  const confusion = { benign: {}, distillation: {}, extraction: {}, jailbreak: {} } as Record<TrueClass, Record<string, number>>;
  for (const m of ms) {
    for (const [cls, row] of Object.entries(m.confusion) as [TrueClass, Record<string, number>][]) {
      for (const [verdict, n] of Object.entries(row)) confusion[cls][verdict] = (confusion[cls][verdict] ?? 0) + n;
    }
  }

  const pairwise = pairScores(sum((m) => m.campaign_pairwise.true_pairs), sum((m) => m.campaign_pairwise.predicted_pairs), sum((m) => m.campaign_pairwise.common_pairs));

  const perCampaign: CampaignDetection[] = runs.flatMap((r) => r.metrics.time_to_detect.per_campaign.map((c) => ({ ...c, campaign_id: `${r.label}/${c.campaign_id}` })));
  const detectHours = perCampaign.flatMap((c) => (c.hours_to_detect === null ? [] : [c.hours_to_detect]));

  const perClassServed = {} as Record<AttackClass, Ratio>;
  for (const c of ATTACK_CLASSES) perClassServed[c] = pooledRatio((m) => m.served_before_flagged.per_class[c]);
  const everPerPersona: Record<string, number> = {};
  for (const m of ms) for (const [p, n] of Object.entries(m.benign_ever_flagged.per_persona)) everPerPersona[p] = (everPerPersona[p] ?? 0) + n;

  const attackRecall = pooledRatio((m) => m.attack_recall);
  const benignFpr = pooledRatio((m) => m.benign_fpr);
  const served = pooledRatio((m) => m.served_before_flagged);
  return {
    accounts: {
      labelled: sum((m) => m.accounts.labelled),
      evaluated: sum((m) => m.accounts.evaluated),
      labelled_without_events: sum((m) => m.accounts.labelled_without_events),
      unlabelled_in_results: sum((m) => m.accounts.unlabelled_in_results),
    },
    classes,
    confusion,
    attack_recall: attackRecall,
    attack_recall_per_attack: poolGroups(ms.map((m) => m.attack_recall_per_attack)),
    benign_fpr: { ...benignFpr, suspicious: sum((m) => m.benign_fpr.suspicious) },
    benign_fpr_per_persona: poolGroups(ms.map((m) => m.benign_fpr_per_persona)),
    benign_ever_flagged: {
      ...pooledRatio((m) => m.benign_ever_flagged),
      per_persona: sortKeys(everPerPersona),
      requests_after: pooledRatio((m) => m.benign_ever_flagged.requests_after),
    },
    campaign_pairwise: pairwise,
    served_before_flagged: { ...served, per_class: perClassServed },
    time_to_detect: { campaigns: perCampaign.length, detected: detectHours.length, median_hours: quantile(detectHours, 0.5), p90_hours: quantile(detectHours, 0.9), per_campaign: perCampaign },
    targets: targetsOf(benignFpr.value, attackRecall.value, pairwise.f1, served.value),
  };
}

export function runsMeetingTargets(runs: readonly LabelledMetrics[]): RunsMeetingTargets {
  const out = {} as RunsMeetingTargets;
  for (const name of Object.keys(TARGETS) as TargetName[]) {
    out[name] = { met: runs.filter((r) => r.metrics.targets[name].met).length, runs: runs.length };
  }
  return out;
}

/**
 * Seeds from a list such as `101,1-6`: numbers and inclusive ranges, in the order given, each once.
 * Throws with the offending part named.
 */
export function parseSeedList(text: string): number[] {
  const seeds: number[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const m = /^(-?\d+)(?:\s*-\s*(-?\d+))?$/.exec(part);
    if (!m) throw new RangeError(`"${part}" is not a seed or a range of seeds (e.g. 101,1-6)`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new RangeError(`"${part}": a range goes from the smaller seed to the larger`);
    if (to - from > 10_000) throw new RangeError(`"${part}": more than 10,000 seeds`);
    for (let s = from; s <= to; s++) if (!seeds.includes(s)) seeds.push(s);
  }
  return seeds;
}

function poolGroups(groups: readonly Record<string, GroupRate>[]): Record<string, GroupRate> {
  const out: Record<string, GroupRate> = {};
  for (const g of groups) {
    for (const [name, r] of Object.entries(g)) {
      const o = (out[name] ??= { accounts: 0, flagged: 0, rate: null });
      o.accounts += r.accounts;
      o.flagged += r.flagged;
    }
  }
  for (const o of Object.values(out)) o.rate = divide(o.flagged, o.accounts);
  return sortKeys(out);
}
