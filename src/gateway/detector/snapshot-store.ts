// Where the online detector keeps its state across restarts: the latest snapshots in SQLite
// (`<data-dir>/detector.sqlite`), each with the time of the last event it had seen.
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { migrate, openDatabase } from '../../store/sqlite.ts';

export const DETECTOR_DB_FILE = 'detector.sqlite';
/** Snapshots kept; older ones are deleted after a new one is written. */
const KEEP = 2;
/**
 * Items of a top-level array of the state stored per part. A snapshot takes ~6 KB of JSON per account, so as one
 * string it would pass V8's limit on a string's length (~512 MB) near 90k accounts and fail to save; a state is
 * stored as a head and parts of at most this many items each, every one stringified on its own.
 */
const PART_ITEMS = 2_000;

export interface StoredSnapshot {
  takenAt: string;
  lastEventTs: string;
  events: number;
  state: unknown;
}

/** A state's long top-level arrays cut into parts, the head keeping those arrays empty. */
function splitState(state: unknown, partItems: number): { head: unknown; parts: { field: string; items: unknown[] }[] } {
  const parts: { field: string; items: unknown[] }[] = [];
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return { head: state, parts };
  const head: Record<string, unknown> = { ...(state as Record<string, unknown>) };
  for (const [field, value] of Object.entries(head)) {
    if (!Array.isArray(value) || value.length <= partItems) continue;
    head[field] = [];
    for (let i = 0; i < value.length; i += partItems) parts.push({ field, items: value.slice(i, i + partItems) });
  }
  return { head, parts };
}

export class SnapshotStore {
  private readonly db: Database;

  /** `partItems`: items per stored part of a long array (tests make it small). */
  constructor(
    dataDir: string,
    private readonly partItems = PART_ITEMS,
  ) {
    this.db = openDatabase(join(dataDir, DETECTOR_DB_FILE));
    migrate(this.db, 'detector', [
      `CREATE TABLE detector_snapshots (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         taken_at TEXT NOT NULL,
         last_event_ts TEXT NOT NULL,
         events INTEGER NOT NULL,
         state TEXT NOT NULL)`,
      // the state's long arrays, in order; a snapshot saved before this table has none
      `CREATE TABLE detector_snapshot_parts (
         snapshot_id INTEGER NOT NULL,
         seq INTEGER NOT NULL,
         field TEXT NOT NULL,
         items TEXT NOT NULL,
         PRIMARY KEY (snapshot_id, seq))`,
    ]);
  }

  save(snapshot: StoredSnapshot): void {
    const { head, parts } = splitState(snapshot.state, this.partItems);
    const insert = this.db.prepare('INSERT INTO detector_snapshots (taken_at, last_event_ts, events, state) VALUES (?, ?, ?, ?)');
    const insertPart = this.db.prepare('INSERT INTO detector_snapshot_parts (snapshot_id, seq, field, items) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      const id = insert.run(snapshot.takenAt, snapshot.lastEventTs, snapshot.events, JSON.stringify(head)).lastInsertRowid;
      parts.forEach((part, seq) => insertPart.run(id, seq, part.field, JSON.stringify(part.items)));
      this.db.prepare(`DELETE FROM detector_snapshots WHERE id NOT IN (SELECT id FROM detector_snapshots ORDER BY id DESC LIMIT ${KEEP})`).run();
      this.db.prepare('DELETE FROM detector_snapshot_parts WHERE snapshot_id NOT IN (SELECT id FROM detector_snapshots)').run();
    })();
  }

  latest(): StoredSnapshot | null {
    const row = this.db.prepare('SELECT id, taken_at, last_event_ts, events, state FROM detector_snapshots ORDER BY id DESC LIMIT 1').get() as
      | { id: number; taken_at: string; last_event_ts: string; events: number; state: string }
      | undefined;
    if (!row) return null;
    const state: unknown = JSON.parse(row.state);
    const parts = this.db.prepare('SELECT field, items FROM detector_snapshot_parts WHERE snapshot_id = ? ORDER BY seq').iterate(row.id) as Iterable<{ field: string; items: string }>;
    for (const part of parts) {
      const items = JSON.parse(part.items) as unknown[];
      const list = (state as Record<string, unknown[]>)[part.field]!;
      for (const item of items) list.push(item);
    }
    return { takenAt: row.taken_at, lastEventTs: row.last_event_ts, events: row.events, state };
  }

  close(): void {
    this.db.close();
  }
}
