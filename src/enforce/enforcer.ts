// The enforcement engine: turns the detector's decisions into actions by the configured rules, keeps
// them (and every analyst's approval, undo and rejection) in SQLite with an audit entry each, and gives
// the gateway an O(1) answer per request: the strongest active action on an account.
//
// Writes go to the store first, in one IMMEDIATE transaction with their audit entry; the in-memory view
// is then brought up to date from the store (only the actions whose audit_seq moved), the same way for
// this process's own changes and for the CLI's changes noticed through PRAGMA data_version.
import { Poller } from '../store/poller.ts';
import type { EnforcementConfig } from '../config/schema.ts';
import { defaultParams } from '../detect/params.ts';
import type { Decision } from '../detect/types.ts';
import { DgError, ERRORS } from '../errors.ts';
import type { VerificationTier } from '../events/types.ts';
import type { Database } from '../store/sqlite.ts';
import { type ActionHead, ActionStore, newActionId } from './action-store.ts';
import { AuditLog, type AuditVerification, verifyAuditChain } from './audit-log.ts';
import { type DetectorThresholds, type EnforcementRule, matchRule } from './rules.ts';
import { ACTION_STRENGTH, type AccountEnforcement, type ActionKind, type ActionStatus, type ActionTarget, type EnforcementAction } from './types.ts';

export type EnforcementMode = EnforcementConfig['mode'];
export type Evidence = EnforcementAction['evidence'][number];

export interface CampaignContext {
  id: string;
  members: string[];
  evidence: Evidence[];
}

/** What the enforcer needs of a served request (a log v1 event has it). */
export interface ServedRequest {
  account_id: string;
  ts: string;
}

/** A decision whose rule waits for more of the account's requests before it acts (after_requests). */
interface Waiting {
  decision: Decision;
  campaign: CampaignContext | null;
  matched: { rule: EnforcementRule; index: number };
  /** key of the account's count for this rule in #served */
  key: string;
}

export interface AccountInfo {
  tier: VerificationTier;
  orgId: string | null;
}

export interface EnforcerOptions {
  db: Database;
  config: EnforcementConfig;
  detectorVersion: string;
  accountInfo: (accountId: string) => AccountInfo | null;
  /** The thresholds of the detector whose decisions arrive (rules name them in min_risk); default: the shipped ones. */
  detectorThresholds?: DetectorThresholds;
  now?: () => Date;
  /** Called when a background reload fails; the previous view stays in use. */
  onReloadError?: (err: unknown) => void;
}

export interface ManualAction {
  kind: ActionKind;
  target: ActionTarget;
  reason: string;
  /** A campaign's members (joined with those of open actions already on that campaign). */
  accounts?: string[];
}

const MODE_SETTING = 'mode';

export class Enforcer {
  readonly #db: Database;
  readonly #config: EnforcementConfig;
  readonly #detectorVersion: string;
  readonly #accountInfo: (accountId: string) => AccountInfo | null;
  readonly #thresholds: DetectorThresholds;
  readonly #now: () => Date;
  readonly #onReloadError: (err: unknown) => void;
  readonly #store: ActionStore;
  readonly #audit: AuditLog;
  readonly #dataVersion;
  readonly #allowAccounts: Set<string>;
  readonly #allowOrgs: Set<string>;
  readonly #listeners = new Set<() => void>();

  #mode: EnforcementMode;
  /** Active, non-shadow actions by id: what the hot path is built from. */
  #applied = new Map<string, EnforcementAction>();
  /** account id → ids of the applied actions covering it */
  #appliedByAccount = new Map<string, Set<string>>();
  /** account id → what the gateway applies (the strongest applied action) */
  #enforcement = new Map<string, AccountEnforcement>();
  /** account id → the decision waiting for more of its requests before its rule acts (in memory only) */
  readonly #waiting = new Map<string, Waiting>();
  /** rule index + account id → requests the account has sent while a decision matching that waiting rule stood */
  readonly #served = new Map<string, number>();
  /** account id → the benign decision whose lift waits for more of the account's requests (lift_after_requests) */
  readonly #clearing = new Map<string, { decision: Decision; served: number }>();
  #seenAuditSeq = 0;
  #seenDataVersion = -1;
  readonly #poller = new Poller();

  constructor(opts: EnforcerOptions) {
    this.#db = opts.db;
    this.#config = opts.config;
    this.#detectorVersion = opts.detectorVersion;
    this.#accountInfo = opts.accountInfo;
    this.#thresholds = opts.detectorThresholds ?? defaultParams().thresholds;
    this.#now = opts.now ?? (() => new Date());
    this.#onReloadError = opts.onReloadError ?? (() => {});
    this.#store = new ActionStore(opts.db);
    this.#audit = new AuditLog(opts.db);
    this.#dataVersion = opts.db.prepare('PRAGMA data_version').pluck();
    this.#allowAccounts = new Set(opts.config.allowlist.accounts);
    this.#allowOrgs = new Set(opts.config.allowlist.orgs);
    this.#mode = opts.config.mode;
    this.reload();
  }

  /** shadow: record, change nothing; enforce: act. The config's mode until someone sets one (persisted). */
  get mode(): EnforcementMode {
    return this.#mode;
  }

  /** Whether the mode was set on this store (by an analyst) or comes from the configuration. */
  get modeSource(): 'store' | 'config' {
    return this.#store.getSetting(MODE_SETTING) === null ? 'config' : 'store';
  }

  get auditLog(): AuditLog {
    return this.#audit;
  }

  /** Checks the audit log's hash chain (see verifyAuditChain). */
  verifyAudit(): AuditVerification {
    return verifyAuditChain(this.#db);
  }

  /** Hot path: what to apply to this account's requests, or null. One Map lookup. */
  enforcementFor(accountId: string): AccountEnforcement | null {
    return this.#enforcement.get(accountId) ?? null;
  }

  /**
   * Applies the rules to one decision. Returns the action created or extended (new campaign members
   * joined it), or null when nothing changed (no rule, allowlisted, already covered, benign).
   *
   * A decision that names a campaign which already has an open campaign action brings every member the detector
   * now links to that campaign into the action at once (the deciding account and the members in `campaign`),
   * whatever the deciding account's own verdict: the campaign's action covers the campaign.
   *
   * A benign decision lifts only the account's actions whose rule said lift_when_cleared (returns the last one
   * lifted); every other action stays until an analyst undoes it.
   */
  onDecision(decision: Decision, campaign: CampaignContext | null = null): EnforcementAction | null {
    const actor = `detector@${this.#detectorVersion}`;
    // a new decision ends any wait: the verdict it was waiting on has changed
    this.#waiting.delete(decision.account_id);
    this.#clearing.delete(decision.account_id);
    if (decision.verdict === 'benign') {
      if (this.#config.lift_after_requests === 0) return this.#liftCleared(decision, actor);
      if (this.#liftable(decision.account_id).length > 0) this.#clearing.set(decision.account_id, { decision, served: 0 });
      return null;
    }
    const accountId = decision.account_id;
    const info = this.#accountInfo(accountId);
    const matched = matchRule(this.#config.rules, this.#thresholds, decision, info?.tier ?? 'none');
    const why = this.#why(decision, matched);
    const linkedCampaign = campaign?.id ?? decision.campaign_id;
    const joined = linkedCampaign ? this.#joinCampaignAction(linkedCampaign, accountId, info, campaign, actor, why) : null;
    if (!matched) return joined;
    if (matched.rule.after_requests > 0) {
      const key = `${matched.index} ${accountId}`;
      // an account that comes back to the verdict continues its count: it acts at once if it already sent enough
      if ((this.#served.get(key) ?? 0) < matched.rule.after_requests) {
        this.#waiting.set(accountId, { decision, campaign, matched, key });
        return joined;
      }
    }
    return this.#applyRule(decision, matched, info, campaign, actor, why) ?? joined;
  }

  /**
   * Counts served requests toward the rules that wait for them (after_requests); a rule whose wait is over acts,
   * as of that request. Off the request path: the gateway passes its event batches. Returns the actions created.
   */
  onRequests(requests: Iterable<ServedRequest>): EnforcementAction[] {
    const created: EnforcementAction[] = [];
    if (this.#waiting.size === 0 && this.#clearing.size === 0) return created;
    for (const request of requests) {
      const clearing = this.#clearing.get(request.account_id);
      if (clearing && ++clearing.served >= this.#config.lift_after_requests) {
        this.#clearing.delete(request.account_id);
        this.#liftCleared({ ...clearing.decision, ts: request.ts }, `detector@${this.#detectorVersion}`);
      }
      const waiting = this.#waiting.get(request.account_id);
      if (!waiting) continue;
      const served = (this.#served.get(waiting.key) ?? 0) + 1;
      this.#served.set(waiting.key, served);
      if (served < waiting.matched.rule.after_requests) continue;
      this.#waiting.delete(request.account_id);
      const { decision, campaign, matched } = waiting;
      const why = { ...this.#why(decision, matched), decision_ts: request.ts, verdict_since: decision.ts, waited_requests: matched.rule.after_requests };
      const action = this.#applyRule(decision, matched, this.#accountInfo(request.account_id), campaign, `detector@${this.#detectorVersion}`, why);
      if (action) created.push(action);
    }
    return created;
  }

  /** Accounts whose rule is still waiting for more of their requests (after_requests). */
  get waitingAccounts(): number {
    return this.#waiting.size;
  }

  #why(decision: Decision, matched: { index: number } | null): Record<string, unknown> {
    return {
      verdict: decision.verdict,
      risk: decision.risk,
      suspected: decision.suspected ?? null,
      reason: decision.reason,
      decision_ts: decision.ts,
      rule: matched?.index ?? null,
      detector_version: this.#detectorVersion,
    };
  }

  #applyRule(
    decision: Decision,
    matched: { rule: EnforcementRule; index: number },
    info: AccountInfo | null,
    campaign: CampaignContext | null,
    actor: string,
    why: Record<string, unknown>,
  ): EnforcementAction | null {
    const accountId = decision.account_id;
    const { rule } = matched;

    const allowlisted = this.#allowlistReason(accountId, info);
    if (allowlisted) {
      this.#write(() => {
        this.#audit.append({ ts: this.#ts(), actor, event: 'action.skip', actionId: null, payload: { ...why, account: accountId, kind: rule.action, skipped: allowlisted } });
      });
      return null;
    }

    const campaignId = rule.campaign ? (campaign?.id ?? decision.campaign_id) : null;
    const target: ActionTarget = campaignId ? { type: 'campaign', id: campaignId } : { type: 'account', id: accountId };
    const evidence = campaignId && campaign ? campaign.evidence : [];
    const candidates = campaignId ? uniq([...(campaign?.members ?? []), accountId]) : [accountId];
    const shadow = this.#mode === 'shadow';

    return this.#write(() => {
      const strength = ACTION_STRENGTH[rule.action];
      const open = target.type === 'campaign' ? this.#store.openOnTarget(target, shadow) : this.#store.openForAccount(accountId, shadow);
      // an action the detector may lift does not stand in for one that holds until an analyst undoes it
      const covering = strongest(rule.lift_when_cleared ? open : open.filter((a) => !a.liftWhenCleared));
      if (covering && ACTION_STRENGTH[covering.kind] >= strength) {
        // Idempotent. The deciding account joins the campaign's action if it is new to it; other members
        // join on their own decisions, so a campaign of thousands costs one lookup per decision.
        if (target.type !== 'campaign' || this.#store.hasAccount(covering.id, accountId) || this.#hasOwnAtLeast(accountId, covering.kind, shadow)) return null;
        return this.#join(covering, accountId, actor, why);
      }
      const members: string[] = [];
      const skipped: { account: string; reason: string }[] = [];
      for (const member of candidates) {
        const reason = member === accountId ? null : this.#allowlistReason(member, this.#accountInfo(member));
        if (reason) skipped.push({ account: member, reason });
        else members.push(member);
      }
      const needsReview = rule.action === 'suspend' && members.some((m) => this.#needsReview(m));
      const action: EnforcementAction = {
        id: newActionId(),
        kind: rule.action,
        target,
        accounts: members,
        status: needsReview ? 'pending_review' : 'active',
        verdict: decision.verdict,
        risk: decision.risk,
        reason: decision.reason,
        evidence,
        actor,
        detectorVersion: this.#detectorVersion,
        createdAt: this.#ts(),
        shadow,
        liftWhenCleared: rule.lift_when_cleared,
        undoneAt: null,
        undoneBy: null,
      };
      const payload = {
        ...why,
        kind: action.kind,
        target,
        accounts: members,
        status: action.status,
        shadow,
        lift_when_cleared: action.liftWhenCleared,
        evidence,
        escalates: covering?.id ?? null,
        skipped,
      };
      const entry = this.#audit.append({ ts: action.createdAt, actor, event: 'action.create', actionId: action.id, payload });
      this.#store.insert(action, entry.seq);
      return action;
    });
  }

  /** An analyst's action (e.g. suspend a whole campaign): applied at once, in either mode, allowlist or not. */
  createManual(input: ManualAction, actor: string): EnforcementAction {
    if (!(input.kind in ACTION_STRENGTH)) throw new DgError(ERRORS.INVALID_REQUEST, `Unknown action kind '${input.kind}'.`, { param: 'kind' });
    if (!input.reason.trim()) throw new DgError(ERRORS.INVALID_REQUEST, 'A reason is required.', { param: 'reason' });
    if (!input.target.id) throw new DgError(ERRORS.INVALID_REQUEST, 'A target id is required.', { param: 'target' });
    return this.#write(() => {
      let accounts: string[];
      if (input.target.type === 'account') {
        accounts = [input.target.id];
      } else {
        const known = this.#store.openOnTarget(input.target, false).flatMap((a) => this.#store.accountsAddedSince(a.id, 0));
        accounts = uniq([...(input.accounts ?? []), ...known]);
        if (accounts.length === 0) {
          throw new DgError(ERRORS.INVALID_REQUEST, `Campaign '${input.target.id}' has no known members: list its accounts.`, { param: 'accounts' });
        }
      }
      const action: EnforcementAction = {
        id: newActionId(),
        kind: input.kind,
        target: input.target,
        accounts,
        status: 'active',
        verdict: null,
        risk: null,
        reason: input.reason,
        evidence: [],
        actor: analyst(actor),
        detectorVersion: null,
        createdAt: this.#ts(),
        shadow: false,
        liftWhenCleared: false,
        undoneAt: null,
        undoneBy: null,
      };
      const payload = { kind: action.kind, target: action.target, accounts, status: action.status, reason: action.reason, manual: true };
      const entry = this.#audit.append({ ts: action.createdAt, actor: action.actor, event: 'action.create', actionId: action.id, payload });
      this.#store.insert(action, entry.seq);
      return action;
    });
  }

  /** Applies an action that waits in the review queue. */
  approve(id: string, actor: string, reason?: string): EnforcementAction {
    return this.#transition(id, 'pending_review', 'active', 'action.approve', actor, reason);
  }

  /** Declines an action that waits in the review queue. */
  reject(id: string, actor: string, reason?: string): EnforcementAction {
    return this.#transition(id, 'pending_review', 'rejected', 'action.reject', actor, reason);
  }

  /** Lifts an active action; it stays in history as undone. */
  undo(id: string, actor: string, reason?: string): EnforcementAction {
    return this.#transition(id, 'active', 'undone', 'action.undo', actor, reason);
  }

  setMode(mode: EnforcementMode, actor: string): void {
    if (mode !== 'shadow' && mode !== 'enforce') throw new DgError(ERRORS.INVALID_REQUEST, `Unknown mode '${String(mode)}': shadow or enforce.`, { param: 'mode' });
    this.#write(() => {
      const from = this.#store.getSetting(MODE_SETTING) ?? this.#config.mode;
      this.#store.putSetting(MODE_SETTING, mode);
      this.#audit.append({ ts: this.#ts(), actor: analyst(actor), event: 'mode.change', actionId: null, payload: { from, to: mode } });
    });
  }

  get(id: string): EnforcementAction | null {
    return this.#store.get(id);
  }

  list(filter: { status?: ActionStatus; accountId?: string } = {}): EnforcementAction[] {
    return this.#store.list(filter);
  }

  /** Subscribes to changes (own or another process's); returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Brings the in-memory view up to date with the store: only the actions changed since the last load. */
  reload(): void {
    let changed = false;
    const load = this.#db.transaction(() => {
      this.#seenDataVersion = this.#dataVersion.get() as number;
      const mode = (this.#store.getSetting(MODE_SETTING) as EnforcementMode | null) ?? this.#config.mode;
      if (mode !== this.#mode) changed = true;
      this.#mode = mode;
      const lastSeq = this.#audit.lastSeq();
      if (lastSeq === this.#seenAuditSeq) return;
      changed = true;
      for (const head of this.#store.changedSince(this.#seenAuditSeq)) this.#applyToView(head);
      this.#seenAuditSeq = lastSeq;
    });
    load();
    if (changed) this.#emit();
  }

  /** Polls the store every intervalMs and reloads when another connection changed it. */
  startWatching(intervalMs = 1000): void {
    this.#poller.start(intervalMs, () => this.#poll());
  }

  stop(): void {
    this.#poller.stop();
  }

  #poll(): void {
    try {
      if (this.#dataVersion.get() !== this.#seenDataVersion) this.reload();
    } catch (err) {
      this.#onReloadError(err);
    }
  }

  #transition(id: string, from: ActionStatus, to: ActionStatus, event: string, actor: string, reason?: string): EnforcementAction {
    const result = this.#write(() => {
      const action = this.#store.get(id);
      if (!action) throw new DgError(ERRORS.NOT_FOUND, `Action '${id}' does not exist.`, { param: 'id' });
      if (action.status !== from) {
        throw new DgError(ERRORS.CONFLICT, `Action '${id}' is ${action.status.replace('_', ' ')}, not ${from.replace('_', ' ')}.`, { param: 'id' });
      }
      const who = analyst(actor);
      const ts = this.#ts();
      const entry = this.#audit.append({ ts, actor: who, event, actionId: id, payload: { from, to, reason: reason ?? null, kind: action.kind, target: action.target, accounts: action.accounts, detector_version: action.detectorVersion } });
      const undone = to === 'undone' ? { at: ts, by: who } : null;
      this.#store.setStatus(id, to, undone, entry.seq);
      return { ...action, status: to, undoneAt: undone?.at ?? null, undoneBy: undone?.by ?? null };
    });
    return result;
  }

  /** The account's own open actions the detector may lift (lift_when_cleared), in the current mode. */
  #liftable(accountId: string): ActionHead[] {
    return this.#store.openOnTarget({ type: 'account', id: accountId }, this.#mode === 'shadow').filter((a) => a.liftWhenCleared);
  }

  /** Lifts the account's own open actions that hold only while the detector's verdict does (lift_when_cleared). */
  #liftCleared(decision: Decision, actor: string): EnforcementAction | null {
    // most benign decisions lift nothing: look before taking the write lock
    if (this.#liftable(decision.account_id).length === 0) return null;
    return this.#write(() => {
      let lifted: EnforcementAction | null = null;
      for (const action of this.#liftable(decision.account_id)) {
        const ts = this.#ts();
        const payload = {
          verdict: decision.verdict,
          risk: decision.risk,
          reason: decision.reason,
          decision_ts: decision.ts,
          detector_version: this.#detectorVersion,
          from: action.status,
          to: 'undone',
          kind: action.kind,
          target: action.target,
        };
        const entry = this.#audit.append({ ts, actor, event: 'action.lift', actionId: action.id, payload });
        this.#store.setStatus(action.id, 'undone', { at: ts, by: actor }, entry.seq);
        lifted = { ...action, accounts: [decision.account_id], status: 'undone', undoneAt: ts, undoneBy: actor };
      }
      return lifted;
    });
  }

  /**
   * Brings the campaign's members (the deciding account and those in `context`) into the strongest open action
   * on that campaign, if there is one; one audit entry for all who join. Returns the action with `accounts`
   * listing those who joined, or null when none did.
   */
  #joinCampaignAction(
    campaignId: string,
    accountId: string,
    info: AccountInfo | null,
    context: CampaignContext | null,
    actor: string,
    why: Record<string, unknown>,
  ): EnforcementAction | null {
    const shadow = this.#mode === 'shadow';
    const target: ActionTarget = { type: 'campaign', id: campaignId };
    return this.#write(() => {
      const covering = strongest(this.#store.openOnTarget(target, shadow));
      if (!covering) return null;
      const candidates = uniq([accountId, ...(context?.id === campaignId ? context.members : [])]);
      const direct: string[] = [];
      let result: EnforcementAction | null = null;
      for (const member of candidates) {
        if (this.#store.hasAccount(covering.id, member) || this.#hasOwnAtLeast(member, covering.kind, shadow)) continue;
        if (this.#allowlistReason(member, member === accountId ? info : this.#accountInfo(member))) continue;
        // an id/org account joining a suspended campaign gets its own suspend, pending review
        if (covering.kind === 'suspend' && this.#needsReview(member)) result = this.#join(covering, member, actor, why);
        else direct.push(member);
      }
      if (direct.length > 0) {
        const ts = this.#ts();
        const entry = this.#audit.append({ ts, actor, event: 'action.extend', actionId: covering.id, payload: { ...why, account: accountId, joined: direct } });
        this.#store.addAccounts(covering.id, direct, ts, entry.seq);
        result = { ...covering, accounts: direct };
      }
      return result;
    });
  }

  /**
   * Adds an account to a campaign's action. Returns the action with `accounts` listing only the account
   * that joined (the whole list can be thousands; get(id) has it), or the account's own pending action.
   */
  #join(action: ActionHead, member: string, actor: string, why: Record<string, unknown>): EnforcementAction {
    const ts = this.#ts();
    // an id/org account is never suspended without approval, even by joining a campaign already suspended
    if (action.kind !== 'suspend' || !this.#needsReview(member)) {
      const entry = this.#audit.append({ ts, actor, event: 'action.extend', actionId: action.id, payload: { ...why, joined: [member] } });
      this.#store.addAccounts(action.id, [member], ts, entry.seq);
      return { ...action, accounts: [member] };
    }
    {
      const pending: EnforcementAction = {
        ...action,
        id: newActionId(),
        target: { type: 'account', id: member },
        accounts: [member],
        status: 'pending_review',
        reason: `joins campaign ${action.target.id} (${action.id}), which is suspended`,
        actor,
        detectorVersion: this.#detectorVersion,
        createdAt: ts,
      };
      const payload = { ...why, kind: pending.kind, target: pending.target, accounts: pending.accounts, status: pending.status, shadow: pending.shadow, campaign_action: action.id };
      const entry = this.#audit.append({ ts, actor, event: 'action.create', actionId: pending.id, payload });
      this.#store.insert(pending, entry.seq);
      return pending;
    }
  }

  /** Runs a change in one IMMEDIATE transaction, then refreshes the view and tells the listeners. */
  #write<T>(change: () => T): T {
    const result = this.#db.transaction(change).immediate();
    this.reload();
    return result;
  }

  /** Applies one changed action to the view: for one already applied, only the members that joined since the last look. */
  #applyToView(head: ActionHead): void {
    const previous = this.#applied.get(head.id);
    // A suspend waiting for an analyst degrades meanwhile: the wait must not leave a flagged account its reasoning.
    const interim = head.status === 'pending_review' && head.kind === 'suspend';
    if ((head.status === 'active' || interim) && !head.shadow) {
      const added = this.#store.accountsAddedSince(head.id, previous ? this.#seenAuditSeq : 0);
      const action: EnforcementAction = { ...head, kind: interim ? 'degrade' : head.kind, accounts: previous ? previous.accounts : [] };
      if (previous && previous.kind !== action.kind) for (const account of previous.accounts) added.push(account);
      for (const account of added) {
        let ids = this.#appliedByAccount.get(account);
        if (!ids) this.#appliedByAccount.set(account, (ids = new Set()));
        if (ids.has(head.id)) continue;
        ids.add(head.id);
        action.accounts.push(account);
      }
      this.#applied.set(head.id, action);
      for (const account of added) this.#recompute(account);
    } else if (previous) {
      this.#applied.delete(head.id);
      for (const account of previous.accounts) {
        this.#appliedByAccount.get(account)?.delete(head.id);
        this.#recompute(account);
      }
    }
  }

  #recompute(accountId: string): void {
    const ids = this.#appliedByAccount.get(accountId);
    let best: EnforcementAction | null = null;
    for (const id of ids ?? []) {
      const a = this.#applied.get(id)!;
      if (!best || ACTION_STRENGTH[a.kind] > ACTION_STRENGTH[best.kind] || (a.kind === best.kind && a.createdAt > best.createdAt)) best = a;
    }
    if (!best) {
      this.#appliedByAccount.delete(accountId);
      this.#enforcement.delete(accountId);
      return;
    }
    this.#enforcement.set(accountId, { kind: best.kind, actionId: best.id, reasonCode: best.verdict ?? 'analyst' });
  }

  /**
   * Whether an open action of at least this strength, one the detector will not lift, already covers the account
   * (e.g. its own pending suspend).
   */
  #hasOwnAtLeast(accountId: string, kind: ActionKind, shadow: boolean): boolean {
    const own = strongest(this.#store.openForAccount(accountId, shadow).filter((a) => !a.liftWhenCleared));
    return own !== null && ACTION_STRENGTH[own.kind] >= ACTION_STRENGTH[kind];
  }

  #needsReview(accountId: string): boolean {
    const tier = this.#accountInfo(accountId)?.tier ?? 'none';
    return this.#config.review_tiers.includes(tier);
  }

  #allowlistReason(accountId: string, info: AccountInfo | null): string | null {
    if (this.#allowAccounts.has(accountId)) return 'allowlisted account';
    if (info?.orgId && this.#allowOrgs.has(info.orgId)) return `allowlisted org ${info.orgId}`;
    return null;
  }

  #emit(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (err) {
        this.#onReloadError(err);
      }
    }
  }

  #ts(): string {
    return this.#now().toISOString();
  }
}

function strongest(actions: ActionHead[]): ActionHead | null {
  let best: ActionHead | null = null;
  for (const a of actions) if (!best || ACTION_STRENGTH[a.kind] > ACTION_STRENGTH[best.kind]) best = a;
  return best;
}

function uniq(values: string[]): string[] {
  return [...new Set(values)];
}

/** Analysts are named `analyst:<name>`; an actor already in `x:y` form (detector@…, system) is kept. */
function analyst(actor: string): string {
  const name = actor.trim() || 'unknown';
  return name.includes(':') || name.includes('@') || name === 'system' ? name : `analyst:${name}`;
}
