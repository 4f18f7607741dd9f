// Events in SQLite (`<data-dir>/events.sqlite`): a file of its own, so event writes never contend with
// identity writes for SQLite's single writer lock.
// Inserting costs tens of microseconds per event (row, primary key and two indexes), too much for the thread
// that serves requests, so a worker thread owns the writing connection: the main thread hands it each batch's
// JSON Lines (formatted as each event was queued, in shared memory: see batch.ts), and the worker inserts them
// in one transaction with a prepared statement. Queries use a read connection on the main thread (WAL lets
// readers and the writer proceed together).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { isMainThread, parentPort, receiveMessageOnPort, type Worker, workerData } from 'node:worker_threads';
import { spawnModuleWorker } from '../util/spawn-worker.ts';
import { lowerThisThreadPriority } from '../util/thread-priority.ts';
import Database from 'better-sqlite3';
import { batchText, type EventBatch } from './batch.ts';
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

const WRITER_ROLE = 'distillguard:sqlite-event-writer';

/** `bytes`: the batch's JSON Lines, in memory shared with the main thread (see batch.ts). */
type ToWriter = { type: 'write'; id: number; bytes: Uint8Array } | { type: 'close' };
/** `written` acknowledges every batch stored by one transaction in one message. */
type FromWriter = { type: 'written'; ids: number[] } | { type: 'failed'; id: number; message: string };

/** A batch the SQLite writer could not store (the queue retries it). */
export class EventStoreError extends Error {
  readonly code = 'DG_ERR_EVENT_STORE';
  constructor(message: string) {
    super(message);
    this.name = 'EventStoreError';
  }
}

function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  // a second connection may be creating the schema at the same moment
  db.pragma('busy_timeout = 5000');
  // Rows are ~1.5 KB of JSON: 16 KB pages take a batch in a quarter of the page writes (and write syscalls)
  // of the 4 KB default. Only a new, empty database takes it; an existing one keeps its page size.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: a commit survives a process crash; only an OS crash can lose the last transactions
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return db;
}

interface Columns {
  ts: string;
  request_id: string;
  account_id: string;
  key_id: string | null;
  model: string;
  endpoint: string;
  status: number;
  input_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
}

/**
 * The indexed columns of one line as formatEventLine writes it, without parsing the whole line (its prompts
 * are most of its bytes). The line is read front to back in formatEventLine's fixed field order, with constant
 * prefixes; the client object is skipped by finding `,"endpoint":"` (which cannot occur inside a JSON string:
 * its quotes would be escaped) and the response object is parsed from the end. Anything unexpected (a value
 * with escapes, another field order) falls back to a full parse.
 */
export function columnsOf(line: string): Columns {
  return columnsInOrder(line) ?? columnsByParsing(line);
}

const TS = '{"ts":"';
const REQUEST_ID = ',"request_id":"';
const ACCOUNT_ID = ',"account_id":"';
const ORG_ID = ',"org_id":"';
const KEY_ID = ',"key_id":"';
const CLIENT = ',"client":{';
const ENDPOINT = ',"endpoint":"';
const MODEL = ',"model":"';
const RESPONSE = ',"response":{';

/** The string value starting at `at` (just after its opening quote) when it has no escapes; else null. */
function plainString(line: string, at: number): string | null {
  const close = line.indexOf('"', at);
  if (close < 0) return null;
  const value = line.slice(at, close);
  return value.includes('\\') ? null : value;
}

function columnsInOrder(line: string): Columns | null {
  let at = 0;
  /** The plain string value right after `prefix` at the cursor (moving past it); null if absent or escaped. */
  const field = (prefix: string): string | null => {
    if (!line.startsWith(prefix, at)) return null;
    const value = plainString(line, at + prefix.length);
    if (value !== null) at += prefix.length + value.length + 1;
    return value;
  };
  const ts = field(TS);
  const requestId = ts === null ? null : field(REQUEST_ID);
  const accountId = requestId === null ? null : field(ACCOUNT_ID);
  if (accountId === null) return null;
  if (line.startsWith(ORG_ID, at) && field(ORG_ID) === null) return null;
  const hasKey = line.startsWith(KEY_ID, at);
  const keyId = hasKey ? field(KEY_ID) : null;
  if (hasKey && keyId === null) return null;
  if (!line.startsWith(CLIENT, at)) return null;
  // the client object is skipped: `,"endpoint":"` cannot occur inside it (its quotes would be escaped)
  at = line.indexOf(ENDPOINT, at);
  if (at < 0) return null;
  const endpoint = field(ENDPOINT);
  const model = endpoint === null ? null : field(MODEL);
  if (model === null) return null;
  const responseAt = line.lastIndexOf(RESPONSE);
  if (responseAt < 0 || !line.endsWith('}}')) return null;
  const r = JSON.parse(line.slice(responseAt + RESPONSE.length - 1, line.length - 1)) as LogEventV1['response'];
  return {
    ts: ts!, request_id: requestId!, account_id: accountId, key_id: keyId, model, endpoint: endpoint!,
    status: r.status, input_tokens: r.input_tokens ?? null, output_tokens: r.output_tokens ?? null, reasoning_tokens: r.reasoning_tokens ?? null,
  };
}

function columnsByParsing(line: string): Columns {
  const e = JSON.parse(line) as LogEventV1;
  const r = e.response;
  return {
    ts: e.ts, request_id: e.request_id, account_id: e.account_id, key_id: e.key_id ?? null, model: e.model, endpoint: e.endpoint,
    status: r.status, input_tokens: r.input_tokens ?? null, output_tokens: r.output_tokens ?? null, reasoning_tokens: r.reasoning_tokens ?? null,
  };
}

/**
 * The worker side: inserts JSON Lines batches and acknowledges them. Batches found waiting together (callers that
 * send several without waiting; the event queue keeps one write per sink in flight, so it sends one at a time)
 * share one transaction; one that fails is retried alone so it cannot fail the others.
 */
function runWriter(file: string): void {
  const port = parentPort!;
  const db = openDatabase(file);
  // OR IGNORE: a batch retried after an error is idempotent
  const insert = db.prepare(
    `INSERT OR IGNORE INTO events (ts, request_id, account_id, key_id, model, endpoint, status,
       input_tokens, output_tokens, reasoning_tokens, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertLines = (text: string): void => {
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      if (end > start) {
        const line = text.slice(start, end);
        const c = columnsOf(line);
        insert.run(c.ts, c.request_id, c.account_id, c.key_id, c.model, c.endpoint, c.status, c.input_tokens, c.output_tokens, c.reasoning_tokens, line);
      }
      start = end + 1;
    }
  };
  const insertBatches = db.transaction((batches: readonly { bytes: Uint8Array }[]) => {
    for (const b of batches) insertLines(batchText(b.bytes));
  });
  const writeAll = (batches: readonly { id: number; bytes: Uint8Array }[]): void => {
    try {
      insertBatches(batches);
    } catch (err) {
      if (batches.length > 1) {
        // one bad batch must not fail the others: each again in a transaction of its own
        for (const b of batches) writeAll([b]);
        return;
      }
      port.postMessage({ type: 'failed', id: batches[0].id, message: (err as Error).message } satisfies FromWriter);
      return;
    }
    port.postMessage({ type: 'written', ids: batches.map((b) => b.id) } satisfies FromWriter);
  };
  port.on('message', (first: ToWriter) => {
    const batches: { id: number; bytes: Uint8Array }[] = [];
    let closing = false;
    for (let msg: ToWriter | undefined = first; msg !== undefined; msg = (receiveMessageOnPort(port)?.message as ToWriter | undefined)) {
      if (msg.type === 'close') {
        // the queue sends nothing after close; anything received before it is written first
        closing = true;
        break;
      }
      batches.push(msg);
    }
    if (batches.length > 0) writeAll(batches);
    if (closing) {
      db.close();
      port.close();
    }
  });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === WRITER_ROLE) {
  lowerThisThreadPriority();
  runWriter((workerData as { file: string }).file);
}

export interface EventQuery {
  accountId?: string;
  /** Only events with `ts >= since` (RFC 3339 UTC, as the gateway writes it: compared as text). */
  since?: string;
  /** Most recent first; at most this many. */
  limit: number;
}

export interface SqliteEventSinkOptions {
  /** The gateway's data directory; the database is `<dataDir>/events.sqlite`. */
  dataDir?: string;
  /** Explicit database path (overrides dataDir). */
  file?: string;
}

interface PendingWrite {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class SqliteEventSink implements EventSink {
  readonly name = 'sqlite';
  readonly file: string;
  private readonly reader: Database.Database;
  private readonly queries = new Map<string, Database.Statement>();
  private writer: Worker | null = null;
  private readonly pending = new Map<number, PendingWrite>();
  private nextId = 1;

  constructor(opts: SqliteEventSinkOptions) {
    const file = opts.file ?? (opts.dataDir !== undefined ? join(opts.dataDir, EVENTS_DB_FILE) : undefined);
    if (file === undefined) throw new TypeError('SqliteEventSink needs dataDir or file');
    this.file = file;
    mkdirSync(dirname(file), { recursive: true });
    // opening here creates the schema and surfaces a bad path at start-up, not at the first batch
    this.reader = openDatabase(file);
  }

  /** Resolves once the batch is committed; rejects (and the queue retries) if it could not be. */
  write(batch: EventBatch): Promise<void> | void {
    if (batch.length === 0) return;
    const writer = this.writer ?? this.startWriter();
    const id = this.nextId++;
    // keep the process alive while a batch is on its way to disk
    writer.ref();
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      writer.postMessage({ type: 'write', id, bytes: batch.bytes } satisfies ToWriter);
    });
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
    return (this.statement(sql).all(...args) as string[]).map((json) => JSON.parse(json) as LogEventV1);
  }

  /** Number of stored events. */
  count(): number {
    return this.statement('SELECT count(*) FROM events').get() as number;
  }

  /** Lets the writer finish what it was sent, then closes both connections. */
  async close(): Promise<void> {
    const writer = this.writer;
    this.writer = null;
    if (writer) {
      writer.ref();
      const exited = once(writer, 'exit');
      writer.postMessage({ type: 'close' } satisfies ToWriter);
      await exited;
    }
    if (this.reader.open) this.reader.close();
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.queries.get(sql);
    if (!stmt) {
      stmt = this.reader.prepare(sql).pluck();
      this.queries.set(sql, stmt);
    }
    return stmt;
  }

  private startWriter(): Worker {
    const writer = spawnModuleWorker(import.meta.url, { role: WRITER_ROLE, file: this.file });
    writer.on('message', (msg: FromWriter) => {
      const settle = (id: number, outcome: (p: PendingWrite) => void) => {
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        outcome(p);
      };
      if (msg.type === 'written') for (const id of msg.ids) settle(id, (p) => p.resolve());
      else settle(msg.id, (p) => p.reject(new EventStoreError(`events.sqlite: ${msg.message}`)));
      if (this.pending.size === 0) writer.unref();
    });
    const failAll = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    writer.on('error', (err) => failAll(new EventStoreError(`events.sqlite writer failed: ${err.message}`)));
    writer.on('exit', (code) => {
      // a writer that died is replaced at the next write; its unacknowledged batches are retried by the queue
      if (this.writer === writer) this.writer = null;
      failAll(new EventStoreError(`events.sqlite writer exited (code ${code})`));
    });
    writer.unref();
    this.writer = writer;
    return writer;
  }
}
