// The embedded store: one SQLite file that several modules share, each owning its own tables and
// migrating them independently (keyed by module name in `schema_migrations`).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;

/** Opens (creating if needed) a SQLite file set up for one writer and many readers across processes. */
export function openDatabase(file: string): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  // another process (the CLI next to a running gateway) may hold the write lock for a moment
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: a commit survives a process crash; only an OS crash can lose the last transactions
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Applies the steps of module `name` that this file has not seen yet, in order, each in its own
 * transaction with its version recorded. Steps are append-only: never edit one that has shipped.
 */
export function migrate(db: Database, name: string, steps: readonly string[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (name, version)
  )`);
  const current = db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations WHERE name = ?');
  const record = db.prepare('INSERT INTO schema_migrations (name, version, applied_at) VALUES (?, ?, ?)');
  // IMMEDIATE takes the write lock before reading the version, so two processes migrating at once
  // cannot both apply the same step.
  const applyPending = db.transaction(() => {
    const done = (current.get(name) as { v: number }).v;
    for (let version = done + 1; version <= steps.length; version++) {
      db.exec(steps[version - 1]!);
      record.run(name, version, new Date().toISOString());
    }
  });
  applyPending.immediate();
}
