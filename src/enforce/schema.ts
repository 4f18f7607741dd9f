// The enforcement tables, in the same SQLite file as identity, migrated under the name 'enforce'.
import { migrate, type Database } from '../store/sqlite.ts';

export const ENFORCE_MIGRATION = 'enforce';

const STEPS = [
  // The audit log is append-only at the storage level too: UPDATE and DELETE abort. The hash chain
  // (see audit-log.ts) still catches edits by someone who drops these triggers.
  `CREATE TABLE audit_log (
     seq INTEGER PRIMARY KEY,
     ts TEXT NOT NULL,
     actor TEXT NOT NULL,
     event TEXT NOT NULL,
     action_id TEXT,
     payload TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL
   );
   CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE is not allowed'); END;
   CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE is not allowed'); END;
   CREATE TABLE enforcement_actions (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     target_type TEXT NOT NULL,
     target_id TEXT NOT NULL,
     status TEXT NOT NULL,
     verdict TEXT,
     risk REAL,
     reason TEXT NOT NULL,
     evidence TEXT NOT NULL,
     actor TEXT NOT NULL,
     detector_version TEXT,
     created_at TEXT NOT NULL,
     shadow INTEGER NOT NULL,
     undone_at TEXT,
     undone_by TEXT,
     -- seq of the last audit entry that changed this action: readers reload only what moved
     audit_seq INTEGER NOT NULL
   );
   CREATE INDEX enforcement_actions_target ON enforcement_actions (target_type, target_id);
   CREATE INDEX enforcement_actions_status ON enforcement_actions (status);
   CREATE INDEX enforcement_actions_audit_seq ON enforcement_actions (audit_seq);
   CREATE TABLE enforcement_action_accounts (
     action_id TEXT NOT NULL REFERENCES enforcement_actions(id),
     account_id TEXT NOT NULL,
     added_at TEXT NOT NULL,
     -- seq of the audit entry that added it: a reader loads only the members that joined since its last look
     audit_seq INTEGER NOT NULL,
     PRIMARY KEY (action_id, account_id)
   );
   CREATE INDEX enforcement_action_accounts_account ON enforcement_action_accounts (account_id);
   CREATE TABLE enforcement_settings (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );`,
  // actions that hold only while the detector's verdict does (a rule's lift_when_cleared)
  `ALTER TABLE enforcement_actions ADD COLUMN lift_when_cleared INTEGER NOT NULL DEFAULT 0;`,
];

export function migrateEnforcement(db: Database): void {
  migrate(db, ENFORCE_MIGRATION, STEPS);
}
