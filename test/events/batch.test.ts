import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchBuilder, batchOf, eventsOf } from '../../src/events/batch.ts';
import { formatEventLine } from '../../src/events/jsonl-sink.ts';
import { makeEvent } from './helpers.ts';

test('a batch is the JSON Lines of its events, with each account and time beside it', () => {
  const events = [makeEvent(0), makeEvent(1), makeEvent(2)];
  const batch = batchOf(events);
  assert.equal(batch.length, 3);
  assert.equal(batch.text, events.map((e) => formatEventLine(e) + '\n').join(''));
  assert.deepEqual(batch.requests, events.map((e) => ({ account_id: e.account_id, ts: e.ts })));
  assert.deepEqual(eventsOf(batch), events);
});

test('a builder starts empty again after take and counts the text it holds', () => {
  const builder = new BatchBuilder();
  builder.add(makeEvent(0));
  assert.equal(builder.length, 1);
  assert.equal(builder.size, formatEventLine(makeEvent(0)).length + 1);
  const first = builder.take();
  assert.equal(builder.length, 0);
  assert.equal(builder.size, 0);
  builder.add(makeEvent(1));
  assert.deepEqual(eventsOf(first).map((e) => e.request_id), ['req_0']);
  assert.deepEqual(eventsOf(builder.take()).map((e) => e.request_id), ['req_1']);
  assert.equal(batchOf([]).length, 0);
});
