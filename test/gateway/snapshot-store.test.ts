// The online detector's snapshot store: a state's long arrays are stored in parts (one JSON string for a large
// state would pass V8's limit on string length), read back whole, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DETECTOR_DB_FILE, SnapshotStore } from '../../src/gateway/detector/snapshot-store.ts';
import { openDatabase } from '../../src/store/sqlite.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'dg-snapshots-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function rows(dir: string, sql: string): number {
  const db = openDatabase(join(dir, DETECTOR_DB_FILE));
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const state = (accounts: number) => ({
  v: 1,
  events: 42,
  accounts: Array.from({ length: accounts }, (_, i) => ({ id: `acct_${i}`, counters: [i, i / 3, null] })),
  index: [['pay:card', 'payment', 2, [0, 1]]],
  campaigns: [] as unknown[],
});

test('a state with long arrays is stored in parts and read back whole, in order', (t) => {
  const dir = tempDir(t);
  const store = new SnapshotStore(dir, 3);
  const saved = state(10);
  store.save({ takenAt: '2026-11-29T06:00:00.000Z', lastEventTs: '2026-10-01T00:00:00.000Z', events: 42, state: saved });
  // 10 accounts in parts of 3; the one-item index and the empty campaigns stay in the head
  assert.equal(rows(dir, 'SELECT COUNT(*) AS n FROM detector_snapshot_parts'), 4);
  assert.deepEqual(store.latest(), { takenAt: '2026-11-29T06:00:00.000Z', lastEventTs: '2026-10-01T00:00:00.000Z', events: 42, state: saved });
  store.close();
});

test('only the latest two snapshots are kept, with their parts', (t) => {
  const dir = tempDir(t);
  const store = new SnapshotStore(dir, 4);
  for (let i = 1; i <= 3; i++) store.save({ takenAt: `2026-11-29T06:0${i}:00.000Z`, lastEventTs: '2026-10-01T00:00:00.000Z', events: i, state: state(4 + i) });
  assert.equal(rows(dir, 'SELECT COUNT(*) AS n FROM detector_snapshots'), 2);
  // 6 and 7 accounts: two parts each
  assert.equal(rows(dir, 'SELECT COUNT(*) AS n FROM detector_snapshot_parts'), 4);
  assert.deepEqual(store.latest()!.state, state(7));
  store.close();
});

test('a snapshot saved whole, before states were stored in parts, still reads back', (t) => {
  const dir = tempDir(t);
  new SnapshotStore(dir).close();
  const db = openDatabase(join(dir, DETECTOR_DB_FILE));
  db.prepare('INSERT INTO detector_snapshots (taken_at, last_event_ts, events, state) VALUES (?, ?, ?, ?)').run('2026-11-28T00:00:00.000Z', '2026-10-01T00:00:00.000Z', 42, JSON.stringify(state(5)));
  db.close();
  const store = new SnapshotStore(dir, 2);
  assert.deepEqual(store.latest()!.state, state(5));
  store.close();
});
