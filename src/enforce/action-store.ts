// Enforcement actions in SQLite: one row per action, its accounts in a child table. Every write here
// happens inside the Enforcer's transaction, next to the audit entry that records it.
import { randomBytes } from 'node:crypto';
import type { Verdict } from '../detect/types.ts';
import type { Database } from '../store/sqlite.ts';
import { migrateEnforcement } from './schema.ts';
import type { ActionKind, ActionStatus, ActionTarget, EnforcementAction } from './types.ts';

interface ActionRow {
  id: string;
  kind: ActionKind;
  target_type: ActionTarget['type'];
  target_id: string;
  status: ActionStatus;
  verdict: Verdict | null;
  risk: number | null;
  reason: string;
  evidence: string;
  actor: string;
  detector_version: string | null;
  created_at: string;
  shadow: number;
  lift_when_cleared: number;
  undone_at: string | null;
  undone_by: string | null;
  audit_seq: number;
}

export function newActionId(): string {
  return `act_${randomBytes(8).toString('hex')}`;
}

export class ActionStore {
  readonly #stmt;

  constructor(db: Database) {
    migrateEnforcement(db);
    this.#stmt = {
      insert: db.prepare(
        `INSERT INTO enforcement_actions (id, kind, target_type, target_id, status, verdict, risk, reason, evidence, actor,
           detector_version, created_at, shadow, lift_when_cleared, undone_at, undone_by, audit_seq)
         VALUES (@id, @kind, @target_type, @target_id, @status, @verdict, @risk, @reason, @evidence, @actor,
           @detector_version, @created_at, @shadow, @lift_when_cleared, @undone_at, @undone_by, @audit_seq)`,
      ),
      addAccount: db.prepare('INSERT OR IGNORE INTO enforcement_action_accounts (action_id, account_id, added_at, audit_seq) VALUES (?, ?, ?, ?)'),
      hasAccount: db.prepare('SELECT 1 FROM enforcement_action_accounts WHERE action_id = ? AND account_id = ?').pluck(),
      accountsAddedSince: db.prepare('SELECT account_id FROM enforcement_action_accounts WHERE action_id = ? AND audit_seq > ?').pluck(),
      setStatus: db.prepare('UPDATE enforcement_actions SET status = ?, undone_at = ?, undone_by = ?, audit_seq = ? WHERE id = ?'),
      touch: db.prepare('UPDATE enforcement_actions SET audit_seq = ? WHERE id = ?'),
      get: db.prepare('SELECT * FROM enforcement_actions WHERE id = ?'),
      accounts: db.prepare('SELECT account_id FROM enforcement_action_accounts WHERE action_id = ? ORDER BY added_at, account_id').pluck(),
      all: db.prepare('SELECT * FROM enforcement_actions ORDER BY created_at, id'),
      byStatus: db.prepare('SELECT * FROM enforcement_actions WHERE status = ? ORDER BY created_at, id'),
      byAccount: db.prepare(
        `SELECT a.* FROM enforcement_actions a JOIN enforcement_action_accounts m ON m.action_id = a.id
         WHERE m.account_id = ? ORDER BY a.created_at, a.id`,
      ),
      openOnTarget: db.prepare(
        `SELECT * FROM enforcement_actions WHERE target_type = ? AND target_id = ? AND shadow = ?
           AND status IN ('active', 'pending_review') ORDER BY created_at, id`,
      ),
      openForAccount: db.prepare(
        `SELECT a.* FROM enforcement_actions a JOIN enforcement_action_accounts m ON m.action_id = a.id
         WHERE m.account_id = ? AND a.shadow = ? AND a.status IN ('active', 'pending_review')`,
      ),
      changedSince: db.prepare('SELECT * FROM enforcement_actions WHERE audit_seq > ? ORDER BY audit_seq'),
      getSetting: db.prepare('SELECT value FROM enforcement_settings WHERE key = ?').pluck(),
      putSetting: db.prepare('INSERT INTO enforcement_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
  }

  insert(a: EnforcementAction, auditSeq: number): void {
    this.#stmt.insert.run({
      id: a.id,
      kind: a.kind,
      target_type: a.target.type,
      target_id: a.target.id,
      status: a.status,
      verdict: a.verdict,
      risk: a.risk,
      reason: a.reason,
      evidence: JSON.stringify(a.evidence),
      actor: a.actor,
      detector_version: a.detectorVersion,
      created_at: a.createdAt,
      shadow: a.shadow ? 1 : 0,
      lift_when_cleared: a.liftWhenCleared ? 1 : 0,
      undone_at: a.undoneAt,
      undone_by: a.undoneBy,
      audit_seq: auditSeq,
    });
    for (const account of a.accounts) this.#stmt.addAccount.run(a.id, account, a.createdAt, auditSeq);
  }

  addAccounts(actionId: string, accounts: readonly string[], at: string, auditSeq: number): void {
    for (const account of accounts) this.#stmt.addAccount.run(actionId, account, at, auditSeq);
    this.#stmt.touch.run(auditSeq, actionId);
  }

  setStatus(id: string, status: ActionStatus, undone: { at: string; by: string } | null, auditSeq: number): void {
    this.#stmt.setStatus.run(status, undone?.at ?? null, undone?.by ?? null, auditSeq, id);
  }

  get(id: string): EnforcementAction | null {
    const row = this.#stmt.get.get(id) as ActionRow | undefined;
    return row ? this.#toAction(row) : null;
  }

  list(filter: { status?: ActionStatus; accountId?: string } = {}): EnforcementAction[] {
    let rows: ActionRow[];
    if (filter.accountId !== undefined) {
      rows = this.#stmt.byAccount.all(filter.accountId) as ActionRow[];
      if (filter.status !== undefined) rows = rows.filter((r) => r.status === filter.status);
    } else if (filter.status !== undefined) {
      rows = this.#stmt.byStatus.all(filter.status) as ActionRow[];
    } else {
      rows = this.#stmt.all.all() as ActionRow[];
    }
    return rows.map((r) => this.#toAction(r));
  }

  /** Active or pending actions on exactly this target (recorded in shadow mode or not, as asked), without their accounts. */
  openOnTarget(target: ActionTarget, shadow: boolean): ActionHead[] {
    return (this.#stmt.openOnTarget.all(target.type, target.id, shadow ? 1 : 0) as ActionRow[]).map(toHead);
  }

  /** Active or pending actions covering this account, whatever their target, without their accounts. */
  openForAccount(accountId: string, shadow: boolean): ActionHead[] {
    return (this.#stmt.openForAccount.all(accountId, shadow ? 1 : 0) as ActionRow[]).map(toHead);
  }

  hasAccount(actionId: string, accountId: string): boolean {
    return this.#stmt.hasAccount.get(actionId, accountId) !== undefined;
  }

  /** Accounts added to an action by audit entries after `seq` (0 = all of them). */
  accountsAddedSince(actionId: string, seq: number): string[] {
    return this.#stmt.accountsAddedSince.all(actionId, seq) as string[];
  }

  /** Actions changed by audit entries after `seq`, without their accounts (a campaign's can be thousands). */
  changedSince(seq: number): ActionHead[] {
    return (this.#stmt.changedSince.all(seq) as ActionRow[]).map(toHead);
  }

  getSetting(key: string): string | null {
    return (this.#stmt.getSetting.get(key) as string | undefined) ?? null;
  }

  putSetting(key: string, value: string): void {
    this.#stmt.putSetting.run(key, value);
  }

  #toAction(row: ActionRow): EnforcementAction {
    return { ...toHead(row), accounts: this.#stmt.accounts.all(row.id) as string[] };
  }
}

/** An action without its account list. */
export type ActionHead = Omit<EnforcementAction, 'accounts'>;

function toHead(row: ActionRow): ActionHead {
  return {
      id: row.id,
      kind: row.kind,
      target: { type: row.target_type, id: row.target_id },
      status: row.status,
      verdict: row.verdict,
      risk: row.risk,
      reason: row.reason,
      evidence: JSON.parse(row.evidence) as EnforcementAction['evidence'],
      actor: row.actor,
      detectorVersion: row.detector_version,
      createdAt: row.created_at,
      shadow: row.shadow === 1,
      liftWhenCleared: row.lift_when_cleared === 1,
      undoneAt: row.undone_at,
      undoneBy: row.undone_by,
    };
}

/** The wire form (admin API, CLI --json). */
export function actionJson(a: EnforcementAction) {
  return {
    id: a.id,
    kind: a.kind,
    target: a.target,
    accounts: a.accounts,
    status: a.status,
    verdict: a.verdict,
    risk: a.risk,
    reason: a.reason,
    evidence: a.evidence,
    actor: a.actor,
    detector_version: a.detectorVersion,
    created_at: a.createdAt,
    shadow: a.shadow,
    lift_when_cleared: a.liftWhenCleared,
    undone_at: a.undoneAt,
    undone_by: a.undoneBy,
  };
}
