// Events in SQLite (`<data-dir>/events.sqlite`): a file of its own, so event writes never contend with
// identity writes for SQLite's single writer lock. One transaction per batch with a prepared statement.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { formatEventLine } from './jsonl-sink.ts';
import type { EventSink } from './sink.ts';
import type { LogEventV1 } from './types.ts';

export const EVENTS_DB_FILE = 'events.sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  ts TEXT NOT NULL,
  request_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  key_id TEXT,
  model TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  status INTEGER NOT NULL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  reasoning_tokens INTEGER,
  json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_account_ts ON events (account_id, ts);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
`;

export interface EventQuery {
  accountId?: string;
  /** Only events with `ts >= since` (RFC 3339 UTC, as the gateway writes it: compared as text). */
  since?: string;
  /** Most recent first; at most this many. */
  limit: number;
}

type Row = [string, string, string, string | null, string, string, number, number | null, number | null, number | null, string];

export interface SqliteEventSinkOptions {
  /** The gateway's data directory; the database is `<dataDir>/events.sqlite`. */
  dataDir?: string;
  /** Explicit database path (overrides dataDir). */
  file?: string;
}

export class SqliteEventSink implements EventSink {
  readonly name = 'sqlite';
  readonly file: string;
  private readonly db: Database.Database;
  private readonly insertBatch: (batch: LogEventV1[]) => void;
  private readonly queries = new Map<string, Database.Statement>();

  constructor(opts: SqliteEventSinkOptions) {
    const file = opts.file ?? (opts.dataDir !== undefined ? join(opts.dataDir, EVENTS_DB_FILE) : undefined);
    if (file === undefined) throw new TypeError('SqliteEventSink needs dataDir or file');
    this.file = file;
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // WAL + NORMAL: a commit survives a process crash; only an OS crash can lose the last transactions
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    // OR IGNORE: a batch retried after an error is idempotent
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO events (ts, request_id, account_id, key_id, model, endpoint, status,
         input_tokens, output_tokens, reasoning_tokens, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertBatch = this.db.transaction((batch: LogEventV1[]) => {
      for (let i = 0; i < batch.length; i++) {
        const e = batch[i];
        const r = e.response;
        const row: Row = [
          e.ts, e.request_id, e.account_id, e.key_id ?? null, e.model, e.endpoint, r.status,
          r.input_tokens ?? null, r.output_tokens ?? null, r.reasoning_tokens ?? null, formatEventLine(e),
        ];
        insert.run(row);
      }
    });
  }

  write(batch: LogEventV1[]): void {
    if (batch.length > 0) this.insertBatch(batch);
  }

  /** Events, most recent first, optionally of one account and from a point in time on. */
  queryEvents(q: EventQuery): LogEventV1[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.accountId !== undefined) {
      where.push('account_id = ?');
      args.push(q.accountId);
    }
    if (q.since !== undefined) {
      where.push('ts >= ?');
      args.push(q.since);
    }
    args.push(Math.max(0, Math.floor(q.limit)));
    const sql = `SELECT json FROM events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ts DESC LIMIT ?`;
    let stmt = this.queries.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql).pluck();
      this.queries.set(sql, stmt);
    }
    return (stmt.all(...args) as string[]).map((json) => JSON.parse(json) as LogEventV1);
  }

  /** Number of stored events. */
  count(): number {
    return this.db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
