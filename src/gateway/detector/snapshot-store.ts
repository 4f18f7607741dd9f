// Where the online detector keeps its state across restarts: the latest snapshots in SQLite
// (`<data-dir>/detector.sqlite`), each with the time of the last event it had seen.
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { migrate, openDatabase } from '../../store/sqlite.ts';
import { appendPart, PART_ITEMS, splitLongArrays } from '../../util/json-parts.ts';

export const DETECTOR_DB_FILE = 'detector.sqlite';
/** Snapshots kept; older ones are deleted after a new one is written. */
const KEEP = 2;

export interface StoredSnapshot {
  takenAt: string;
  lastEventTs: string;
  events: number;
  state: unknown;
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
    // in parts: one JSON string of a large state would pass V8's string limit (util/json-parts.ts)
    const { head, parts } = splitLongArrays(snapshot.state, this.partItems);
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
    for (const part of parts) appendPart(state, { field: part.field, items: JSON.parse(part.items) as unknown[] });
    return { takenAt: row.taken_at, lastEventTs: row.last_event_ts, events: row.events, state };
  }

  close(): void {
    this.db.close();
  }
}
