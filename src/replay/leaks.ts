// Where attacker reasoning leaks: each attacker request after its campaign's first hour that was served in full is
// put in one bucket, by what the loop knew at that request's log time (read back from the audit log's decision
// times, which are log times in replay mode):
//   undetected       no member of its campaign (by the labels) was covered by any detector action yet
//   member_uncovered the campaign was acted on, this account not yet (it had not joined the campaign's action)
//   lag              the account was covered by a withholding action (degrade, verify, suspend) decided at or before
//                    the request, but the gateway did not apply it yet (decision still on its way)
//   not_withholding  the account was covered, but only by actions that withhold nothing (observe, throttle) or
//                    by one waiting for review
// An action the detector lifted (action.lift, a rule's lift_when_cleared) stops covering at the lift's decision time.
// Reasoning tokens are the log's. Totals per campaign and per attack type, plus each campaign's time to first action.

const HOUR_MS = 3_600_000;
const WITHHOLDING = new Set(['degrade', 'verify', 'suspend']);

export const LEAK_BUCKETS = ['undetected', 'member_uncovered', 'lag', 'not_withholding'] as const;
export type LeakBucket = (typeof LEAK_BUCKETS)[number];

/** The slice of an audit entry (admin API JSON) the analysis reads. */
export interface AuditEntryLike {
  event: string;
  action_id: string | null;
  payload: Record<string, unknown>;
}

export interface LeakGroup {
  accounts: number;
  /** Reasoning tokens after the first hour: all, withheld or degraded, and the served ones by bucket. */
  reasoning_total: number;
  reasoning_withheld: number;
  leaked: Record<LeakBucket, number>;
  /** Requests served in full after the first hour, by bucket. */
  leaked_requests: Record<LeakBucket, number>;
}

export interface CampaignLeaks extends LeakGroup {
  kind: string;
  attack: string;
  started_at: string;
  /** Log time of the first detector action covering any member; null: never. */
  first_action_at: string | null;
  /** Minutes from the campaign's start to that action. */
  minutes_to_first_action: number | null;
  /** Members never covered by any action. */
  members_never_covered: number;
}

export interface LeakReport {
  totals: LeakGroup;
  per_attack: Record<string, LeakGroup>;
  per_campaign: Record<string, CampaignLeaks>;
}

interface Coverage {
  /** Log time (ms) of the decision that made the action cover the account. */
  atMs: number;
  kind: string;
  pending: boolean;
  /** Log time (ms) from which it no longer covers (the detector lifted it); Infinity: never lifted. */
  untilMs: number;
}

interface AttackerRequest {
  accountId: string;
  tsMs: number;
  reasoning: number;
  servedFull: boolean;
}

export interface LeakLabels {
  accounts: Record<string, { class: string; persona: string; campaign_id: string | null }>;
  campaigns: Record<string, { kind: string; attack: string; started_at: string }>;
}

/** Collects attacker requests during a replay; analyse() once the audit log has been read back. */
export class LeakRecorder {
  private readonly requests: AttackerRequest[] = [];

  constructor(private readonly labels: LeakLabels) {}

  record(accountId: string, tsMs: number, reasoningTokens: number, servedFull: boolean): void {
    const label = this.labels.accounts[accountId];
    if (!label || label.class === 'benign') return;
    this.requests.push({ accountId, tsMs, reasoning: reasoningTokens, servedFull });
  }

  analyse(audit: readonly AuditEntryLike[]): LeakReport {
    return analyseLeaks(this.labels, this.requests, audit);
  }
}

function emptyGroup(): LeakGroup {
  return {
    accounts: 0,
    reasoning_total: 0,
    reasoning_withheld: 0,
    leaked: { undetected: 0, member_uncovered: 0, lag: 0, not_withholding: 0 },
    leaked_requests: { undetected: 0, member_uncovered: 0, lag: 0, not_withholding: 0 },
  };
}

/** Each account's coverage over log time, from the detector's create and extend entries. */
export function coverageFromAudit(audit: readonly AuditEntryLike[]): Map<string, Coverage[]> {
  const actionKind = new Map<string, { kind: string; pending: boolean }>();
  const out = new Map<string, Coverage[]>();
  const byAction = new Map<string, Coverage[]>();
  const add = (actionId: string, account: string, fields: Omit<Coverage, 'untilMs'>) => {
    const c: Coverage = { ...fields, untilMs: Infinity };
    let list = out.get(account);
    if (!list) out.set(account, (list = []));
    list.push(c);
    let ofAction = byAction.get(actionId);
    if (!ofAction) byAction.set(actionId, (ofAction = []));
    ofAction.push(c);
  };
  for (const e of audit) {
    const p = e.payload;
    const atMs = typeof p.decision_ts === 'string' ? Date.parse(p.decision_ts) : NaN;
    if (e.event === 'action.create' && e.action_id) {
      const kind = String(p.kind);
      const pending = p.status === 'pending_review';
      actionKind.set(e.action_id, { kind, pending });
      if (p.shadow === true || Number.isNaN(atMs)) continue;
      for (const account of (p.accounts as string[] | undefined) ?? []) add(e.action_id, account, { atMs, kind, pending });
    } else if (e.event === 'action.extend' && e.action_id) {
      const a = actionKind.get(e.action_id);
      if (!a || Number.isNaN(atMs)) continue;
      for (const account of (p.joined as string[] | undefined) ?? []) add(e.action_id, account, { atMs, kind: a.kind, pending: a.pending });
    } else if (e.event === 'action.lift' && e.action_id && !Number.isNaN(atMs)) {
      for (const c of byAction.get(e.action_id) ?? []) c.untilMs = Math.min(c.untilMs, atMs);
    }
  }
  for (const list of out.values()) list.sort((a, b) => a.atMs - b.atMs);
  return out;
}

export function analyseLeaks(labels: LeakLabels, requests: readonly AttackerRequest[], audit: readonly AuditEntryLike[]): LeakReport {
  const coverage = coverageFromAudit(audit);
  const campaignOf = (id: string) => labels.accounts[id]?.campaign_id ?? `account:${id}`;
  const firstCover = new Map<string, number>();
  for (const [account, list] of coverage) {
    const label = labels.accounts[account];
    if (!label || label.class === 'benign') continue;
    const key = campaignOf(account);
    firstCover.set(key, Math.min(firstCover.get(key) ?? Infinity, list[0]!.atMs));
  }
  const startMs = new Map<string, number>();
  for (const [id, c] of Object.entries(labels.campaigns)) startMs.set(id, Date.parse(c.started_at));
  for (const r of requests) {
    const key = campaignOf(r.accountId);
    if (!startMs.has(key) || r.tsMs < startMs.get(key)!) startMs.set(key, Math.min(startMs.get(key) ?? Infinity, r.tsMs));
  }

  const totals = emptyGroup();
  const perAttack: Record<string, LeakGroup> = {};
  const perCampaign: Record<string, CampaignLeaks> = {};
  const seenAccounts = new Set<string>();
  const groupsOf = (accountId: string): LeakGroup[] => {
    const key = campaignOf(accountId);
    const c = labels.campaigns[key];
    const attack = c ? `${c.kind}/${c.attack}` : `${labels.accounts[accountId]!.class}/lone`;
    const camp = (perCampaign[key] ??= {
      ...emptyGroup(),
      kind: c?.kind ?? labels.accounts[accountId]!.class,
      attack: c?.attack ?? 'lone',
      started_at: new Date(startMs.get(key) ?? 0).toISOString(),
      first_action_at: firstCover.has(key) ? new Date(firstCover.get(key)!).toISOString() : null,
      minutes_to_first_action: firstCover.has(key) ? Math.round((firstCover.get(key)! - (startMs.get(key) ?? 0)) / 60_000) : null,
      members_never_covered: 0,
    });
    return [totals, (perAttack[attack] ??= emptyGroup()), camp];
  };

  for (const r of requests) {
    const label = labels.accounts[r.accountId];
    if (!label || label.class === 'benign') continue;
    const groups = groupsOf(r.accountId);
    if (!seenAccounts.has(r.accountId)) {
      seenAccounts.add(r.accountId);
      for (const g of groups) g.accounts++;
      if (!coverage.has(r.accountId)) (groups[2] as CampaignLeaks).members_never_covered++;
    }
    const key = campaignOf(r.accountId);
    if (r.tsMs < (startMs.get(key) ?? r.tsMs) + HOUR_MS) continue;
    for (const g of groups) g.reasoning_total += r.reasoning;
    if (!r.servedFull) {
      for (const g of groups) g.reasoning_withheld += r.reasoning;
      continue;
    }
    const bucket = bucketOf(r, coverage.get(r.accountId) ?? [], firstCover.get(key) ?? Infinity);
    for (const g of groups) {
      g.leaked[bucket] += r.reasoning;
      g.leaked_requests[bucket]++;
    }
  }
  return { totals, per_attack: sortKeys(perAttack), per_campaign: sortKeys(perCampaign) };
}

function bucketOf(r: AttackerRequest, covers: readonly Coverage[], campaignFirstMs: number): LeakBucket {
  if (r.tsMs < campaignFirstMs) return 'undetected';
  let covered = false;
  for (const c of covers) {
    if (c.atMs > r.tsMs) break;
    if (c.untilMs <= r.tsMs) continue;
    covered = true;
    if (!c.pending && WITHHOLDING.has(c.kind)) return 'lag';
  }
  return covered ? 'not_withholding' : 'member_uncovered';
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
