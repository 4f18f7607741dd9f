import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventSink } from '../../src/events/sqlite-sink.ts';
import { makeEvent, tempDir } from './helpers.ts';

test('events land in <data-dir>/events.sqlite in WAL mode with their columns', async () => {
  const dataDir = tempDir();
  const sink = new SqliteEventSink({ dataDir });
  assert.equal(sink.file, join(dataDir, 'events.sqlite'));
  await sink.write([makeEvent(0), makeEvent(1)]);
  await sink.close();
  const db = new Database(sink.file, { readonly: true });
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    const row = db.prepare('SELECT * FROM events WHERE request_id = ?').get('req_1') as Record<string, unknown>;
    assert.deepEqual(
      { ...row, json: undefined },
      {
        ts: makeEvent(1).ts, request_id: 'req_1', account_id: 'acct_1', key_id: 'key_1', model: 'frontier-large',
        endpoint: '/v1/chat/completions', status: 200, input_tokens: 21, output_tokens: 100, reasoning_tokens: null, json: undefined,
      },
    );
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL").pluck().all();
    assert.deepEqual(indexes.sort(), ['events_account_ts', 'events_ts']);
  } finally {
    db.close();
  }
});

test('a batch written twice is stored once', async () => {
  const sink = new SqliteEventSink({ dataDir: tempDir() });
  const batch = Array.from({ length: 50 }, (_, i) => makeEvent(i));
  await sink.write(batch);
  await sink.write(batch);
  assert.equal(sink.count(), 50);
  await sink.close();
});

test('queryEvents filters by account and time, newest first, up to the limit', async () => {
  const sink = new SqliteEventSink({ dataDir: tempDir() });
  const events = Array.from({ length: 200 }, (_, i) => makeEvent(i));
  await sink.write(events);
  const ofAccount = sink.queryEvents({ accountId: 'acct_3', limit: 1000 });
  assert.deepEqual(
    ofAccount.map((e) => e.request_id),
    events.filter((e) => e.account_id === 'acct_3').reverse().map((e) => e.request_id),
  );
  const since = events[150].ts;
  const recent = sink.queryEvents({ since, limit: 5 });
  assert.deepEqual(recent.map((e) => e.request_id), ['req_199', 'req_198', 'req_197', 'req_196', 'req_195']);
  const both = sink.queryEvents({ accountId: 'acct_3', since, limit: 100 });
  assert.ok(both.every((e) => e.account_id === 'acct_3' && e.ts >= since));
  assert.equal(both.length, events.slice(150).filter((e) => e.account_id === 'acct_3').length);
  assert.deepEqual(sink.queryEvents({ limit: 1 })[0].messages, events[199].messages);
  await sink.close();
});
