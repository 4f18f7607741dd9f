// Where the online detector keeps its state across restarts: the latest snapshots in SQLite
// (`<data-dir>/detector.sqlite`), each with the time of the last event it had seen.
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { migrate, openDatabase } from '../../store/sqlite.ts';

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

  constructor(dataDir: string) {
    this.db = openDatabase(join(dataDir, DETECTOR_DB_FILE));
    migrate(this.db, 'detector', [
      `CREATE TABLE detector_snapshots (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         taken_at TEXT NOT NULL,
         last_event_ts TEXT NOT NULL,
         events INTEGER NOT NULL,
         state TEXT NOT NULL)`,
    ]);
  }

  save(snapshot: StoredSnapshot): void {
    const insert = this.db.prepare('INSERT INTO detector_snapshots (taken_at, last_event_ts, events, state) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      insert.run(snapshot.takenAt, snapshot.lastEventTs, snapshot.events, JSON.stringify(snapshot.state));
      this.db.prepare(`DELETE FROM detector_snapshots WHERE id NOT IN (SELECT id FROM detector_snapshots ORDER BY id DESC LIMIT ${KEEP})`).run();
    })();
  }

  latest(): StoredSnapshot | null {
    const row = this.db.prepare('SELECT taken_at, last_event_ts, events, state FROM detector_snapshots ORDER BY id DESC LIMIT 1').get() as
      | { taken_at: string; last_event_ts: string; events: number; state: string }
      | undefined;
    if (!row) return null;
    return { takenAt: row.taken_at, lastEventTs: row.last_event_ts, events: row.events, state: JSON.parse(row.state) };
  }

  close(): void {
    this.db.close();
  }
}
