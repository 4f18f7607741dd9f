import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { batchOf } from '../../src/events/batch.ts';
import { SqliteEventSink } from '../../src/events/sqlite-sink.ts';
import { makeEvent, tempDir } from './helpers.ts';

test('events land in <data-dir>/events.sqlite in WAL mode with their columns', async () => {
  const dataDir = tempDir();
  const sink = new SqliteEventSink({ dataDir });
  assert.equal(sink.file, join(dataDir, 'events.sqlite'));
  await sink.write(batchOf([makeEvent(0), makeEvent(1)]));
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
  await sink.write(batchOf(batch));
  await sink.write(batchOf(batch));
  assert.equal(sink.count(), 50);
  await sink.close();
});

test('queryEvents filters by account and time, newest first, up to the limit', async () => {
  const sink = new SqliteEventSink({ dataDir: tempDir() });
  const events = Array.from({ length: 200 }, (_, i) => makeEvent(i));
  await sink.write(batchOf(events));
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

test('columnsOf reads the indexed columns like a full parse, even with hostile strings', async () => {
  const { columnsOf } = await import('../../src/events/sqlite-sink.ts');
  const { formatEventLine } = await import('../../src/events/jsonl-sink.ts');
  const hostile = [',"model":"x"', ',"response":{"status":1}', '"ts":"', 'back\\slash', 'quote"', ',"key_id":"k"', ',"endpoint":"/e"'];
  for (let i = 0; i < 200; i++) {
    const pick = (n: number) => hostile[(i * 7 + n) % hostile.length];
    const ev = {
      ts: `2026-10-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`,
      request_id: i % 5 === 0 ? `req_${pick(1)}` : `req_${i}`,
      account_id: i % 3 === 0 ? `acct_${pick(2)}` : `acct_${i}`,
      org_id: i % 2 ? null : 'org',
      key_id: i % 4 === 0 ? null : `key_${pick(3)}`,
      client: { ip: '203.0.113.1', user_agent: pick(4), ja4: i % 2 ? pick(5) : null },
      endpoint: '/v1/chat/completions',
      model: i % 6 === 0 ? `m ${pick(6)}` : 'm',
      params: { [pick(0)]: pick(1), model: pick(2) },
      messages: [{ role: 'user', content: pick(3) + pick(4) }],
      response: { status: 200 + (i % 3), input_tokens: i % 2 ? i : null, output_tokens: i, reasoning_tokens: i % 7 ? null : 5, finish_reason: pick(5) },
    };
    const line = formatEventLine(ev as never);
    const full = JSON.parse(line);
    assert.deepEqual(columnsOf(line), {
      ts: full.ts, request_id: full.request_id, account_id: full.account_id, key_id: full.key_id ?? null, model: full.model,
      endpoint: full.endpoint, status: full.response.status, input_tokens: full.response.input_tokens ?? null,
      output_tokens: full.response.output_tokens ?? null, reasoning_tokens: full.response.reasoning_tokens ?? null,
    });
  }
});

test('batches sent together are all stored, and one that cannot be stored fails alone', async () => {
  const sink = new SqliteEventSink({ dataDir: tempDir() });
  const events = Array.from({ length: 30 }, (_, i) => makeEvent(i));
  const broken = { length: 1, bytes: Buffer.from('not a json line\n'), requests: [{ account_id: 'acct_x', ts: events[0].ts }] };
  // sent without waiting, so the writer finds them queued together
  const results = await Promise.allSettled([
    sink.write(batchOf(events.slice(0, 10))),
    sink.write(broken),
    sink.write(batchOf(events.slice(10, 20))),
    sink.write(batchOf(events.slice(20))),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  assert.equal(sink.count(), 30);
  assert.deepEqual(sink.queryEvents({ limit: 100 }).map((e) => e.request_id).sort(), events.map((e) => e.request_id).sort());
  await sink.close();
});
