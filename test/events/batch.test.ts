import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchBuilder, batchOf, batchText, eventsOf } from '../../src/events/batch.ts';
import { formatEventLine } from '../../src/events/jsonl-sink.ts';
import { makeEvent } from './helpers.ts';

test('a batch is the JSON Lines of its events in UTF-8, with each account and time beside it', () => {
  const events = [makeEvent(0), makeEvent(1), makeEvent(2)];
  const batch = batchOf(events);
  const text = events.map((e) => formatEventLine(e) + '\n').join('');
  assert.equal(batch.length, 3);
  assert.equal(batchText(batch.bytes), text);
  assert.equal(batch.bytes.byteLength, Buffer.byteLength(text));
  assert.deepEqual(batch.requests, events.map((e) => ({ account_id: e.account_id, ts: e.ts })));
  assert.deepEqual(eventsOf(batch), events);
});

test("a batch's bytes are in shared memory, so worker threads receive them without a copy", () => {
  const batch = batchOf([makeEvent(0)]);
  assert.ok(batch.bytes.buffer instanceof SharedArrayBuffer);
});

test('a builder grows for lines beyond its capacity, multi-byte characters included', () => {
  const builder = new BatchBuilder(256);
  const long = (i: number) => ({ ...makeEvent(i), messages: [{ role: 'user', content: `${i} ü中文 `.repeat(2000 * (i + 1)) }] });
  const events = [makeEvent(0), long(1), makeEvent(2), long(3)];
  for (const e of events) builder.add(e);
  const batch = builder.take();
  assert.equal(builder.size, 0);
  assert.equal(batch.bytes.byteLength, events.reduce((n, e) => n + Buffer.byteLength(formatEventLine(e)) + 1, 0));
  assert.deepEqual(eventsOf(batch), events);
});

test('a builder starts empty again after take and counts the bytes it holds', () => {
  const builder = new BatchBuilder();
  builder.add(makeEvent(0));
  assert.equal(builder.length, 1);
  assert.equal(builder.size, Buffer.byteLength(formatEventLine(makeEvent(0))) + 1);
  const first = builder.take();
  assert.equal(builder.length, 0);
  assert.equal(builder.size, 0);
  builder.add(makeEvent(1));
  assert.deepEqual(eventsOf(first).map((e) => e.request_id), ['req_0']);
  assert.deepEqual(eventsOf(builder.take()).map((e) => e.request_id), ['req_1']);
  assert.equal(batchOf([]).length, 0);
  assert.equal(batchOf([]).bytes.byteLength, 0);
});
