// Accumulates request outcomes per account as answers arrive, and turns them into replay.json's per-account
// section and summary (per class, per campaign, benign impact, attacker reasoning after each campaign's first hour).
import type { LabelsFile } from '../eval/labels.ts';
import { addOutcome, emptyCounters, mergeCounters, type OutcomeCounters, type RequestOutcome } from './outcomes.ts';

const HOUR_MS = 3_600_000;

/** The targets of the closed loop on a held-out scenario (issue 4). */
export const TARGETS = {
  attackerReasoningWithheldShare: 0.9,
  benignAffectedShare: 0.001,
  benignAccountsSuspended: 0,
} as const;

export interface AccountResult extends OutcomeCounters {
  class?: string;
  persona?: string;
  campaign_id?: string | null;
  /** Log time of the first request that met an action other than none. */
  first_action_at: string | null;
}

export interface GroupResult extends OutcomeCounters {
  accounts: number;
}

export interface BenignImpact {
  requests: number;
  /** Requests that met any enforcement action (header other than none). */
  affected: number;
  affected_share: number | null;
  /** Affected requests per persona. */
  personas_affected: Record<string, number>;
  accounts_suspended: number;
  suspended_account_ids: string[];
}

export interface AttackerReasoning {
  total: number;
  withheld_or_degraded: number;
  share: number | null;
}

export interface TargetCheck {
  target: number;
  value: number | null;
  met: boolean | null;
}

export interface ReplaySummary {
  per_class: Record<string, GroupResult>;
  per_campaign: Record<string, GroupResult>;
  benign: BenignImpact | null;
  attacker_reasoning_after_first_hour: AttackerReasoning | null;
  targets: {
    attacker_reasoning_withheld_share: TargetCheck;
    benign_affected_share: TargetCheck;
    benign_accounts_suspended: TargetCheck;
  };
}

interface AccountState {
  counters: OutcomeCounters;
  firstActionMs: number;
  firstActionAt: string | null;
}

export type ReplayLabels = Pick<LabelsFile, 'accounts' | 'campaigns'>;

export class ReplayTally {
  private readonly accounts = new Map<string, AccountState>();
  /** Campaign (or lone attacker account) → start of its first hour, from labels or the first event seen. */
  private readonly campaignStartMs = new Map<string, number>();
  private readonly benignAffectedByPersona = new Map<string, number>();
  private benignRequests = 0;
  private benignAffected = 0;
  private attackerReasoningTotal = 0;
  private attackerReasoningWithheld = 0;
  private readonly suspendedAccounts = new Set<string>();

  constructor(private readonly labels: ReplayLabels | null) {
    if (labels) for (const [id, c] of Object.entries(labels.campaigns)) this.campaignStartMs.set(id, Date.parse(c.started_at));
  }

  /** Called in log order as each request is issued, so "the first event of the campaign" is known before its answer. */
  noteIssued(accountId: string, tsMs: number): void {
    const key = this.campaignKey(accountId);
    if (key !== null && !this.campaignStartMs.has(key)) this.campaignStartMs.set(key, tsMs);
  }

  record(accountId: string, ts: string, tsMs: number, r: RequestOutcome): void {
    let state = this.accounts.get(accountId);
    if (!state) {
      state = { counters: emptyCounters(), firstActionMs: Infinity, firstActionAt: null };
      this.accounts.set(accountId, state);
    }
    addOutcome(state.counters, r);
    // Answers may arrive out of order under concurrency: keep the earliest log time.
    if (r.action !== 'none' && tsMs < state.firstActionMs) {
      state.firstActionMs = tsMs;
      state.firstActionAt = ts;
    }
    if (r.action === 'suspend') this.suspendedAccounts.add(accountId);
    const label = this.labels?.accounts[accountId];
    if (!label) return;
    if (label.class === 'benign') {
      this.benignRequests++;
      if (r.action !== 'none') {
        this.benignAffected++;
        this.benignAffectedByPersona.set(label.persona, (this.benignAffectedByPersona.get(label.persona) ?? 0) + 1);
      }
      return;
    }
    const start = this.campaignStartMs.get(this.campaignKey(accountId)!);
    if (start !== undefined && tsMs >= start + HOUR_MS) {
      this.attackerReasoningTotal += r.reasoningTokens;
      if (r.outcome !== 'served_full') this.attackerReasoningWithheld += r.reasoningTokens;
    }
  }

  /** Accounts the gateway reports suspended at the end (the status may have been set without a suspend header). */
  markSuspended(accountId: string): void {
    this.suspendedAccounts.add(accountId);
  }

  get answered(): number {
    let n = 0;
    for (const s of this.accounts.values()) n += s.counters.requests;
    return n;
  }

  perAccount(): Record<string, AccountResult> {
    const out: Record<string, AccountResult> = {};
    for (const id of [...this.accounts.keys()].sort()) {
      const s = this.accounts.get(id)!;
      const label = this.labels?.accounts[id];
      out[id] = {
        ...(label ? { class: label.class, persona: label.persona, campaign_id: label.campaign_id } : {}),
        ...s.counters,
        first_action_at: s.firstActionAt,
      };
    }
    return out;
  }

  summary(): ReplaySummary {
    const perClass: Record<string, GroupResult> = {};
    const perCampaign: Record<string, GroupResult> = {};
    for (const [id, s] of this.accounts) {
      const label = this.labels?.accounts[id];
      addToGroup(perClass, label?.class ?? 'unlabelled', s.counters);
      if (label?.campaign_id) addToGroup(perCampaign, label.campaign_id, s.counters);
    }
    const suspendedBenign = [...this.suspendedAccounts].filter((id) => this.labels?.accounts[id]?.class === 'benign').sort();
    const benign: BenignImpact | null = this.labels
      ? {
          requests: this.benignRequests,
          affected: this.benignAffected,
          affected_share: this.benignRequests > 0 ? this.benignAffected / this.benignRequests : null,
          personas_affected: Object.fromEntries([...this.benignAffectedByPersona].sort((a, b) => b[1] - a[1])),
          accounts_suspended: suspendedBenign.length,
          suspended_account_ids: suspendedBenign,
        }
      : null;
    const attacker: AttackerReasoning | null = this.labels
      ? {
          total: this.attackerReasoningTotal,
          withheld_or_degraded: this.attackerReasoningWithheld,
          share: this.attackerReasoningTotal > 0 ? this.attackerReasoningWithheld / this.attackerReasoningTotal : null,
        }
      : null;
    return {
      per_class: sortKeys(perClass),
      per_campaign: sortKeys(perCampaign),
      benign,
      attacker_reasoning_after_first_hour: attacker,
      targets: {
        attacker_reasoning_withheld_share: check(TARGETS.attackerReasoningWithheldShare, attacker?.share ?? null, (v, t) => v >= t),
        benign_affected_share: check(TARGETS.benignAffectedShare, benign?.affected_share ?? null, (v, t) => v <= t),
        benign_accounts_suspended: check(TARGETS.benignAccountsSuspended, benign ? benign.accounts_suspended : null, (v, t) => v <= t),
      },
    };
  }

  private campaignKey(accountId: string): string | null {
    const label = this.labels?.accounts[accountId];
    if (!label || label.class === 'benign') return null;
    return label.campaign_id ?? `account:${accountId}`;
  }
}

function addToGroup(groups: Record<string, GroupResult>, key: string, counters: OutcomeCounters): void {
  let g = groups[key];
  if (!g) g = groups[key] = { accounts: 0, ...emptyCounters() };
  g.accounts++;
  mergeCounters(g, counters);
}

function check(target: number, value: number | null, ok: (v: number, t: number) => boolean): TargetCheck {
  return { target, value, met: value === null ? null : ok(value, target) };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
