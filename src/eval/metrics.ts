// Scoring the detector against labels: per-class precision and recall, benign false positives (overall and per
// persona), campaign pairwise F1, the share of attacker requests served before their account was flagged, and
// time to detect per campaign. Pure functions over the engine's results plus a per-event tally.
import { isFlagged, type AccountResult, type Decision } from '../detect/types.ts';
import type { LogEventV1 } from '../events/types.ts';

export type TrueClass = 'benign' | 'distillation' | 'extraction' | 'jailbreak';
export const ATTACK_CLASSES = ['distillation', 'extraction', 'jailbreak'] as const;
export type AttackClass = (typeof ATTACK_CLASSES)[number];

/** The parts of labels.json the metrics need (the simulator writes more). */
export interface EvalLabels {
  accounts: Record<string, { class: TrueClass; persona: string; campaign_id: string | null }>;
  campaigns: Record<string, { kind: AttackClass; attack: string; started_at: string }>;
}

/** The targets, measured on held-out scenarios. */
export const TARGETS = {
  benign_fpr_max: 0.002,
  attack_recall_min: 0.95,
  campaign_pairwise_f1_min: 0.9,
  served_before_flagged_max: 0.15,
} as const;

/**
 * Counts, per account, the requests it sent and those served before it was flagged: an event is "before"
 * when its ts < the account's first_flagged_at, or the account was never flagged. Fed in stream order with
 * each event's decisions, so it needs one pass and state per account, not per event.
 */
export class ServedTally {
  readonly events = new Map<string, number>();
  readonly beforeFlag = new Map<string, number>();
  /** per account first flagged as a campaign member, that campaign's id (the fit tells these from accounts flagged on their own) */
  readonly flaggedThroughCampaign = new Map<string, string>();
  /** every account a decision ever placed in each campaign (a campaign that flagged a benign account may dissolve later) */
  readonly campaignMembers = new Map<string, Set<string>>();
  /** per account first flagged through a campaign, every account that campaign had held up to then */
  readonly campaignAtFlag = new Map<string, string[]>();
  /** first flag time per account, epoch ms */
  private readonly flaggedAt = new Map<string, number>();

  observe(ev: LogEventV1, decisions: readonly Decision[]): void {
    const id = ev.account_id;
    this.events.set(id, (this.events.get(id) ?? 0) + 1);
    for (let i = 0; i < decisions.length; i++) {
      const d = decisions[i]!;
      if (d.campaign_id !== null) {
        const members = this.campaignMembers.get(d.campaign_id);
        if (members) members.add(d.account_id);
        else this.campaignMembers.set(d.campaign_id, new Set([d.account_id]));
      }
      if (isFlagged(d.verdict) && !this.flaggedAt.has(d.account_id)) {
        this.flaggedAt.set(d.account_id, Date.parse(d.ts));
        if (d.campaign_id !== null) {
          this.flaggedThroughCampaign.set(d.account_id, d.campaign_id);
          this.campaignAtFlag.set(d.account_id, [...this.campaignMembers.get(d.campaign_id)!]);
        }
      }
    }
    const at = this.flaggedAt.get(id);
    if (at === undefined || Date.parse(ev.ts) < at) this.beforeFlag.set(id, (this.beforeFlag.get(id) ?? 0) + 1);
  }
}

export interface Ratio {
  /** null when the denominator is 0 */
  value: number | null;
  numerator: number;
  denominator: number;
}

export interface ClassMetrics {
  /** accounts of this class in the labels */
  support: number;
  /** accounts given this verdict */
  predicted: number;
  true_positives: number;
  precision: number | null;
  recall: number | null;
}

export interface GroupRate {
  accounts: number;
  flagged: number;
  rate: number | null;
}

export interface CampaignDetection {
  campaign_id: string;
  kind: AttackClass;
  attack: string;
  members: number;
  started_at: string;
  first_flagged_at: string | null;
  /** first_flagged_at − started_at in hours; null when no member was flagged */
  hours_to_detect: number | null;
  /** members flagged by the end */
  flagged_members: number;
}

export interface EvalMetrics {
  accounts: { labelled: number; evaluated: number; labelled_without_events: number; unlabelled_in_results: number };
  classes: Record<AttackClass, ClassMetrics>;
  /** rows: true class, columns: verdict */
  confusion: Record<TrueClass, Record<string, number>>;
  attack_recall: Ratio;
  attack_recall_per_attack: Record<string, GroupRate>;
  benign_fpr: Ratio & { suspicious: number };
  benign_fpr_per_persona: Record<string, GroupRate>;
  /**
   * Benign accounts flagged at any moment of the stream (first_flagged_at set, even if later cleared: the
   * gateway would have acted then), per persona, and the benign requests sent from that moment on.
   */
  benign_ever_flagged: Ratio & { per_persona: Record<string, number>; requests_after: Ratio };
  campaign_pairwise: { true_pairs: number; predicted_pairs: number; common_pairs: number; precision: number | null; recall: number | null; f1: number | null };
  served_before_flagged: Ratio & { per_class: Record<AttackClass, Ratio> };
  time_to_detect: { campaigns: number; detected: number; median_hours: number | null; p90_hours: number | null; per_campaign: CampaignDetection[] };
  targets: Record<keyof typeof TARGETS, { target: number; value: number | null; met: boolean }>;
}

export function ratio(numerator: number, denominator: number): Ratio {
  return { value: denominator === 0 ? null : numerator / denominator, numerator, denominator };
}

export function divide(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

/** The pairwise scores from the three pair counts. */
export function pairScores(truePairs: number, predictedPairs: number, commonPairs: number): EvalMetrics['campaign_pairwise'] {
  const precision = divide(commonPairs, predictedPairs);
  const recall = divide(commonPairs, truePairs);
  const f1 = precision === null || recall === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { true_pairs: truePairs, predicted_pairs: predictedPairs, common_pairs: commonPairs, precision, recall, f1 };
}

function pairs(n: number): number {
  return (n * (n - 1)) / 2;
}

/** Linear-interpolation quantile (the common "type 7"); null for an empty list. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Pairwise precision/recall/F1 of a clustering: a pair of accounts is "true" when both carry the same true
 * campaign, "predicted" when both carry the same predicted campaign_id. Counted from the contingency table,
 * so the cost is linear in accounts. Accounts outside any campaign (true or predicted) form no pairs; a benign
 * account put into a predicted campaign therefore costs precision.
 */
export function pairwiseF1(assignments: Iterable<{ truth: string | null; predicted: string | null }>) {
  const trueSizes = new Map<string, number>();
  const predSizes = new Map<string, number>();
  const cells = new Map<string, number>();
  for (const { truth, predicted } of assignments) {
    if (truth !== null) trueSizes.set(truth, (trueSizes.get(truth) ?? 0) + 1);
    if (predicted !== null) predSizes.set(predicted, (predSizes.get(predicted) ?? 0) + 1);
    if (truth !== null && predicted !== null) {
      const key = `${truth}\u0000${predicted}`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
  }
  let truePairs = 0, predictedPairs = 0, commonPairs = 0;
  for (const n of trueSizes.values()) truePairs += pairs(n);
  for (const n of predSizes.values()) predictedPairs += pairs(n);
  for (const n of cells.values()) commonPairs += pairs(n);
  return pairScores(truePairs, predictedPairs, commonPairs);
}

export function computeMetrics(labels: EvalLabels, results: readonly AccountResult[], tally: ServedTally): EvalMetrics {
  const resultById = new Map<string, AccountResult>();
  for (const r of results) resultById.set(r.account_id, r);
  let unlabelled = 0;
  for (const r of results) if (!(r.account_id in labels.accounts)) unlabelled++;

  const classes = {} as Record<AttackClass, ClassMetrics>;
  for (const c of ATTACK_CLASSES) classes[c] = { support: 0, predicted: 0, true_positives: 0, precision: null, recall: null };
  const confusion = { benign: {}, distillation: {}, extraction: {}, jailbreak: {} } as Record<TrueClass, Record<string, number>>;
  const perAttack: Record<string, GroupRate> = {};
  const perPersona: Record<string, GroupRate> = {};
  let attackers = 0, attackersFlagged = 0, benign = 0, benignFlagged = 0, benignSuspicious = 0, evaluated = 0, withoutEvents = 0;
  let attackerEvents = 0, attackerBefore = 0;
  let benignEver = 0, benignEvents = 0, benignAfter = 0;
  const everPerPersona: Record<string, number> = {};
  const classEvents = { distillation: [0, 0], extraction: [0, 0], jailbreak: [0, 0] } as Record<AttackClass, [number, number]>;
  const assignments: { truth: string | null; predicted: string | null }[] = [];
  const campaignFirstFlag = new Map<string, number>();
  const campaignMembers = new Map<string, { members: number; flagged: number }>();

  for (const [id, label] of Object.entries(labels.accounts)) {
    const r = resultById.get(id);
    if (label.campaign_id !== null) {
      const m = campaignMembers.get(label.campaign_id) ?? { members: 0, flagged: 0 };
      m.members++;
      if (r && isFlagged(r.verdict)) m.flagged++;
      campaignMembers.set(label.campaign_id, m);
    }
    if (!r) {
      withoutEvents++;
      continue;
    }
    evaluated++;
    const flagged = isFlagged(r.verdict);
    confusion[label.class][r.verdict] = (confusion[label.class][r.verdict] ?? 0) + 1;
    if (flagged) classes[r.verdict as AttackClass].predicted++;
    assignments.push({ truth: label.class === 'benign' ? null : label.campaign_id, predicted: r.campaign_id });
    if (label.class === 'benign') {
      benign++;
      if (flagged) benignFlagged++;
      if (r.verdict === 'suspicious') benignSuspicious++;
      const sent = tally.events.get(id) ?? 0;
      benignEvents += sent;
      if (r.first_flagged_at !== null) {
        benignEver++;
        everPerPersona[label.persona] = (everPerPersona[label.persona] ?? 0) + 1;
        benignAfter += sent - (tally.beforeFlag.get(id) ?? 0);
      }
      bump(perPersona, label.persona, flagged);
      continue;
    }
    const cls = label.class;
    classes[cls].support++;
    if (r.verdict === cls) classes[cls].true_positives++;
    attackers++;
    if (flagged) attackersFlagged++;
    bump(perAttack, label.persona, flagged);
    const events = tally.events.get(id) ?? 0;
    const before = tally.beforeFlag.get(id) ?? 0;
    attackerEvents += events;
    attackerBefore += before;
    classEvents[cls][0] += before;
    classEvents[cls][1] += events;
    if (label.campaign_id !== null && r.first_flagged_at !== null) {
      const t = Date.parse(r.first_flagged_at);
      const prev = campaignFirstFlag.get(label.campaign_id);
      if (prev === undefined || t < prev) campaignFirstFlag.set(label.campaign_id, t);
    }
  }
  for (const c of ATTACK_CLASSES) {
    classes[c].precision = divide(classes[c].true_positives, classes[c].predicted);
    classes[c].recall = divide(classes[c].true_positives, classes[c].support);
  }
  for (const g of [...Object.values(perAttack), ...Object.values(perPersona)]) g.rate = divide(g.flagged, g.accounts);

  const perCampaign: CampaignDetection[] = Object.entries(labels.campaigns)
    .map(([id, c]) => {
      const first = campaignFirstFlag.get(id);
      const members = campaignMembers.get(id) ?? { members: 0, flagged: 0 };
      return {
        campaign_id: id,
        kind: c.kind,
        attack: c.attack,
        members: members.members,
        started_at: c.started_at,
        first_flagged_at: first === undefined ? null : new Date(first).toISOString(),
        hours_to_detect: first === undefined ? null : (first - Date.parse(c.started_at)) / 3_600_000,
        flagged_members: members.flagged,
      };
    })
    .sort((a, b) => a.started_at.localeCompare(b.started_at) || a.campaign_id.localeCompare(b.campaign_id));
  const detectHours = perCampaign.flatMap((c) => (c.hours_to_detect === null ? [] : [c.hours_to_detect]));

  const attackRecall = ratio(attackersFlagged, attackers);
  const benignFpr = ratio(benignFlagged, benign);
  const pairwise = pairwiseF1(assignments);
  const served = ratio(attackerBefore, attackerEvents);
  const perClassServed = {} as Record<AttackClass, Ratio>;
  for (const c of ATTACK_CLASSES) perClassServed[c] = ratio(classEvents[c][0], classEvents[c][1]);

  return {
    accounts: { labelled: Object.keys(labels.accounts).length, evaluated, labelled_without_events: withoutEvents, unlabelled_in_results: unlabelled },
    classes,
    confusion,
    attack_recall: attackRecall,
    attack_recall_per_attack: sortKeys(perAttack),
    benign_fpr: { ...benignFpr, suspicious: benignSuspicious },
    benign_fpr_per_persona: sortKeys(perPersona),
    benign_ever_flagged: { ...ratio(benignEver, benign), per_persona: sortKeys(everPerPersona), requests_after: ratio(benignAfter, benignEvents) },
    campaign_pairwise: pairwise,
    served_before_flagged: { ...served, per_class: perClassServed },
    time_to_detect: { campaigns: perCampaign.length, detected: detectHours.length, median_hours: quantile(detectHours, 0.5), p90_hours: quantile(detectHours, 0.9), per_campaign: perCampaign },
    targets: targetsOf(benignFpr.value, attackRecall.value, pairwise.f1, served.value),
  };
}

/** Each target against its value (a null value misses). */
export function targetsOf(benignFpr: number | null, attackRecall: number | null, f1: number | null, served: number | null): EvalMetrics['targets'] {
  return {
    benign_fpr_max: target(TARGETS.benign_fpr_max, benignFpr, (v) => v <= TARGETS.benign_fpr_max),
    attack_recall_min: target(TARGETS.attack_recall_min, attackRecall, (v) => v >= TARGETS.attack_recall_min),
    campaign_pairwise_f1_min: target(TARGETS.campaign_pairwise_f1_min, f1, (v) => v >= TARGETS.campaign_pairwise_f1_min),
    served_before_flagged_max: target(TARGETS.served_before_flagged_max, served, (v) => v <= TARGETS.served_before_flagged_max),
  };
}

function bump(groups: Record<string, GroupRate>, key: string, flagged: boolean): void {
  const g = (groups[key] ??= { accounts: 0, flagged: 0, rate: null });
  g.accounts++;
  if (flagged) g.flagged++;
}

export function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

function target(goal: number, value: number | null, ok: (v: number) => boolean) {
  return { target: goal, value, met: value !== null && ok(value) };
}
