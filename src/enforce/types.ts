// Enforcement: what the gateway does about an account or a whole campaign, and the record of it.
import type { ActionKind } from '../config/schema.ts';
import type { Verdict } from '../detect/types.ts';

export type { ActionKind };

/** Strength order: a stronger active action wins when several apply to one account. */
export const ACTION_STRENGTH: Record<ActionKind, number> = { observe: 0, throttle: 1, degrade: 2, verify: 3, suspend: 4 };

export type ActionStatus = 'active' | 'pending_review' | 'undone' | 'rejected';

export interface ActionTarget {
  type: 'account' | 'campaign';
  id: string;
}

export interface EnforcementAction {
  /** `act_` + 16 hex */
  id: string;
  kind: ActionKind;
  target: ActionTarget;
  /** The accounts it applies to (a campaign's members when it was taken; grows as members join). */
  accounts: string[];
  status: ActionStatus;
  /** Verdict and risk that caused it (null for an analyst's manual action). */
  verdict: Verdict | null;
  risk: number | null;
  reason: string;
  evidence: { type: string; detail: string }[];
  /** `detector@<version>` or `analyst:<name>` */
  actor: string;
  detectorVersion: string | null;
  createdAt: string;
  /** When shadow mode recorded it without applying it. */
  shadow: boolean;
  /** Lifted by the detector when it clears the account (the rule's lift_when_cleared). */
  liftWhenCleared: boolean;
  undoneAt: string | null;
  undoneBy: string | null;
}

/** What the gateway applies to one account's requests (the strongest active action, plus its campaign group). */
export interface AccountEnforcement {
  kind: ActionKind;
  actionId: string;
  /** Reason code shown to a caller told to verify. */
  reasonCode: string;
}

/** One entry of the append-only, hash-chained audit log. */
export interface AuditEntry {
  seq: number;
  ts: string;
  /** who or what: `detector@…`, `analyst:…`, `system` */
  actor: string;
  /** e.g. action.create, action.approve, action.undo, action.reject, mode.change */
  event: string;
  actionId: string | null;
  /** why, with the evidence and the detector's version, as JSON */
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}
