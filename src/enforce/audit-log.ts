// The append-only, hash-chained audit log: every action, approval, undo, rejection, skip and mode change.
// Each entry's hash = SHA-256(prevHash + canonical JSON of {seq, ts, actor, event, actionId, payload});
// the first entry's prevHash is 64 zeros. Editing, deleting or reordering any entry breaks the chain
// from that entry on, and verifyAuditChain names the first broken one.
import { createHash } from 'node:crypto';
import type { Database } from '../store/sqlite.ts';
import { canonicalJson } from './canonical-json.ts';
import { migrateEnforcement } from './schema.ts';
import type { AuditEntry } from './types.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface NewAuditEntry {
  ts: string;
  actor: string;
  event: string;
  actionId: string | null;
  payload: Record<string, unknown>;
}

export type AuditVerification = { ok: true; entries: number } | { ok: false; firstBroken: number; reason: string };

interface AuditRow {
  seq: number;
  ts: string;
  actor: string;
  event: string;
  action_id: string | null;
  payload: string;
  prev_hash: string;
  hash: string;
}

export function auditEntryHash(prevHash: string, e: Omit<AuditEntry, 'prevHash' | 'hash'>): string {
  const body = canonicalJson({ seq: e.seq, ts: e.ts, actor: e.actor, event: e.event, actionId: e.actionId, payload: e.payload });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

export class AuditLog {
  readonly #db: Database;
  readonly #stmt;

  constructor(db: Database) {
    migrateEnforcement(db);
    this.#db = db;
    this.#stmt = {
      last: db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
      insert: db.prepare(
        'INSERT INTO audit_log (seq, ts, actor, event, action_id, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      since: db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?'),
      forAction: db.prepare('SELECT * FROM audit_log WHERE action_id = ? ORDER BY seq'),
      lastSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_log').pluck(),
    };
  }

  /**
   * Appends one entry, chained to the last. Runs in its own IMMEDIATE transaction (or as part of the
   * caller's), so two processes appending at once cannot fork the chain.
   */
  append(entry: NewAuditEntry): AuditEntry {
    const write = this.#db.transaction((): AuditEntry => {
      const last = this.#stmt.last.get() as { seq: number; hash: string } | undefined;
      const seq = (last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS_HASH;
      // stored as canonical JSON: the bytes read back are the bytes that were hashed
      const payload = JSON.parse(canonicalJson(entry.payload)) as Record<string, unknown>;
      const full = { seq, ts: entry.ts, actor: entry.actor, event: entry.event, actionId: entry.actionId, payload };
      const hash = auditEntryHash(prevHash, full);
      this.#stmt.insert.run(seq, full.ts, full.actor, full.event, full.actionId, canonicalJson(payload), prevHash, hash);
      return { ...full, prevHash, hash };
    });
    return write.immediate();
  }

  /** Entries after `sinceSeq` (0 = from the start), oldest first, at most `limit`. */
  list(opts: { sinceSeq?: number; limit?: number; actionId?: string } = {}): AuditEntry[] {
    const rows = opts.actionId
      ? (this.#stmt.forAction.all(opts.actionId) as AuditRow[])
      : (this.#stmt.since.all(opts.sinceSeq ?? 0, opts.limit ?? -1) as AuditRow[]);
    return rows.map(toEntry);
  }

  lastSeq(): number {
    return this.#stmt.lastSeq.get() as number;
  }
}

/** Checks the whole chain, oldest first, and names the first entry that does not hold. */
export function verifyAuditChain(db: Database): AuditVerification {
  migrateEnforcement(db);
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (const row of db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    if (row.seq !== expectedSeq) {
      return { ok: false, firstBroken: expectedSeq, reason: `entry ${expectedSeq} is missing (the next entry is ${row.seq})` };
    }
    if (row.prev_hash !== prevHash) {
      return { ok: false, firstBroken: row.seq, reason: `entry ${row.seq}: prev_hash does not match the hash of entry ${row.seq - 1}` };
    }
    let entry: AuditEntry;
    try {
      entry = toEntry(row);
    } catch {
      return { ok: false, firstBroken: row.seq, reason: `entry ${row.seq}: payload is not valid JSON` };
    }
    if (auditEntryHash(prevHash, entry) !== row.hash) {
      return { ok: false, firstBroken: row.seq, reason: `entry ${row.seq}: content does not match its hash (edited or reordered)` };
    }
    prevHash = row.hash;
    expectedSeq++;
  }
  return { ok: true, entries: expectedSeq - 1 };
}

/** The wire form (admin API, CLI --json). */
export function auditEntryJson(e: AuditEntry) {
  return { seq: e.seq, ts: e.ts, actor: e.actor, event: e.event, action_id: e.actionId, payload: e.payload, prev_hash: e.prevHash, hash: e.hash };
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    ts: row.ts,
    actor: row.actor,
    event: row.event,
    actionId: row.action_id,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
