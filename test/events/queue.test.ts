import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { eventsOf, type EventBatch } from '../../src/events/batch.ts';
import { BATCH_TEXT_LIMIT, EventQueue, type EventQueueSettings } from '../../src/events/queue.ts';
import { formatEventLine, JsonlFileSink, listEventFiles } from '../../src/events/jsonl-sink.ts';
import { SqliteEventSink } from '../../src/events/sqlite-sink.ts';
import type { EventSink } from '../../src/events/sink.ts';
import type { LogEventV1 } from '../../src/events/types.ts';
import { makeEvent, tempDir } from './helpers.ts';

const settings = (over: Partial<EventQueueSettings> = {}): EventQueueSettings => ({
  batch_size: 100,
  flush_interval_ms: 5,
  queue_max: 100_000,
  ...over,
});

/** A sink that remembers what it got, fails its first `failures` writes, and can wait for a number of events. */
class RecordingSink implements EventSink {
  readonly batches: LogEventV1[][] = [];
  closed = false;
  private waiters: { count: number; resolve: () => void }[] = [];
  constructor(
    readonly name = 'recording',
    private failures = 0,
  ) {}
  get events(): LogEventV1[] {
    return this.batches.flat();
  }
  write(batch: EventBatch): void {
    if (this.failures > 0) {
      this.failures--;
      throw new Error(`${this.name} is down`);
    }
    this.batches.push(eventsOf(batch));
    const total = this.events.length;
    this.waiters = this.waiters.filter((w) => (total >= w.count ? (w.resolve(), false) : true));
  }
  close(): void {
    this.closed = true;
  }
  /** Resolves once at least `count` events have been written. */
  received(count: number): Promise<void> {
    if (this.events.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** The queue's timer is unref'd (it must not keep a finished process alive); a server would keep the loop running. */
async function whileServing<T>(work: () => Promise<T>): Promise<T> {
  const server = setInterval(() => {}, 1000);
  try {
    return await work();
  } finally {
    clearInterval(server);
  }
}

test('push does not write on the caller’s turn of the event loop', async () => {
  const sink = new RecordingSink();
  const queue = new EventQueue([sink], settings({ batch_size: 1 }));
  queue.push(makeEvent(0));
  assert.equal(sink.batches.length, 0);
  assert.equal(queue.depth, 1);
  await sink.received(1);
  assert.equal(queue.depth, 0);
  assert.equal(queue.written, 1);
  await queue.close();
});

test('a full batch is flushed on the next turn in batches of at most batch_size', async () => {
  const sink = new RecordingSink();
  const queue = new EventQueue([sink], settings({ batch_size: 100, flush_interval_ms: 60_000 }));
  for (let i = 0; i < 250; i++) queue.push(makeEvent(i));
  await nextTurn();
  assert.deepEqual(sink.batches.map((b) => b.length), [100, 100, 50]);
  assert.deepEqual(sink.events.map((e) => e.request_id), Array.from({ length: 250 }, (_, i) => `req_${i}`));
  await queue.close();
});

test('a partial batch is flushed by the interval timer', async () => {
  const sink = new RecordingSink();
  const queue = new EventQueue([sink], settings({ batch_size: 1000, flush_interval_ms: 5 }));
  for (let i = 0; i < 3; i++) queue.push(makeEvent(i));
  await whileServing(() => sink.received(3));
  assert.deepEqual(sink.batches.map((b) => b.length), [3]);
  await queue.close();
});

test('past queue_max new events are dropped and counted', async () => {
  const sink = new RecordingSink();
  const queue = new EventQueue([sink], settings({ queue_max: 100 }));
  for (let i = 0; i < 150; i++) queue.push(makeEvent(i));
  assert.equal(queue.depth, 100);
  assert.equal(queue.dropped, 50);
  await queue.close();
  assert.equal(queue.written, 100);
  assert.deepEqual(sink.events.map((e) => e.request_id), Array.from({ length: 100 }, (_, i) => `req_${i}`));
});

test('a failing sink gets the same batch again at a later flush, without duplicates elsewhere', async () => {
  const flaky = new RecordingSink('flaky', 2);
  const healthy = new RecordingSink('healthy');
  const errors: string[] = [];
  const queue = new EventQueue([flaky, healthy], settings({ flush_interval_ms: 60_000 }), {
    onError: (err, source) => errors.push(`${source}: ${(err as Error).message}`),
  });
  const events = Array.from({ length: 10 }, (_, i) => makeEvent(i));
  for (const e of events) queue.push(e);
  await queue.flush();
  assert.deepEqual(errors, ['flaky: flaky is down']);
  assert.equal(healthy.events.length, 10);
  assert.equal(flaky.events.length, 0);
  assert.equal(queue.depth, 10, 'events not yet written everywhere still count');
  assert.equal(queue.written, 0);
  await queue.flush();
  await queue.flush();
  assert.equal(errors.length, 2);
  assert.deepEqual(flaky.events, events);
  assert.equal(healthy.events.length, 10);
  assert.equal(queue.depth, 0);
  assert.equal(queue.written, 10);
  assert.equal(queue.dropped, 0);
  await queue.close();
});

test('a failed batch is retried by the timer with no further pushes', async () => {
  const flaky = new RecordingSink('flaky', 1);
  const queue = new EventQueue([flaky], settings({ batch_size: 5, flush_interval_ms: 5 }));
  for (let i = 0; i < 5; i++) queue.push(makeEvent(i));
  await whileServing(() => flaky.received(5));
  assert.deepEqual(flaky.batches.map((b) => b.length), [5]);
  await queue.close();
});

test('a sink that keeps failing holds its events only up to queue_max', async () => {
  const broken = new RecordingSink('broken', Number.POSITIVE_INFINITY);
  const queue = new EventQueue([broken], settings({ queue_max: 20, flush_interval_ms: 60_000 }), { closeAttempts: 1 });
  for (let i = 0; i < 20; i++) queue.push(makeEvent(i));
  await queue.flush();
  for (let i = 20; i < 25; i++) queue.push(makeEvent(i));
  assert.equal(queue.depth, 20);
  assert.equal(queue.dropped, 5);
  await queue.close();
  assert.equal(queue.dropped, 25, 'events a sink never took are counted as dropped at close');
  assert.equal(queue.written, 0);
  assert.equal(queue.depth, 0);
  assert.ok(broken.closed);
});

test('close persists every pushed event to both the JSONL and the SQLite sink', async () => {
  const dataDir = tempDir();
  const jsonl = new JsonlFileSink({ dir: dataDir, rotateBytes: 1024 * 1024 });
  const sqlite = new SqliteEventSink({ dataDir });
  const queue = new EventQueue([jsonl, sqlite], settings({ batch_size: 512, flush_interval_ms: 250 }));
  const total = 10_000;
  // pushes interleave with flushes, as requests do
  for (let i = 0; i < total; i++) {
    queue.push(makeEvent(i));
    if (i % 3000 === 0) await nextTurn();
  }
  await queue.close();
  assert.equal(queue.dropped, 0);
  assert.equal(queue.written, total);
  assert.equal(queue.depth, 0);
  const files = listEventFiles(dataDir);
  assert.ok(files.length > 1, 'a 1 MiB rotation size splits 10k events over several files');
  const lines = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0));
  assert.equal(lines.length, total);
  assert.equal(new Set(lines.map((l) => JSON.parse(l).request_id)).size, total);
  const check = new SqliteEventSink({ dataDir });
  assert.equal(check.count(), total);
  check.close();
});

test('an asynchronous sink writes batches one at a time, in order, and close waits for it', async () => {
  let active = 0;
  let maxActive = 0;
  const seen: string[] = [];
  const slow: EventSink = {
    name: 'slow',
    async write(batch) {
      active++;
      maxActive = Math.max(maxActive, active);
      await nextTurn();
      for (const e of eventsOf(batch)) seen.push(e.request_id);
      active--;
    },
    close() {},
  };
  const queue = new EventQueue([slow], settings({ batch_size: 10 }));
  for (let i = 0; i < 95; i++) {
    queue.push(makeEvent(i));
    if (i % 20 === 0) await nextTurn();
  }
  await queue.close();
  assert.equal(maxActive, 1);
  assert.deepEqual(seen, Array.from({ length: 95 }, (_, i) => `req_${i}`));
  assert.equal(queue.written, 95);
});

test('an asynchronous sink that rejects gets its batch again', async () => {
  let failures = 1;
  const got: number[] = [];
  const sink: EventSink = {
    name: 'async-flaky',
    async write(batch) {
      await nextTurn();
      if (failures-- > 0) throw new Error('busy');
      got.push(batch.length);
    },
    close() {},
  };
  const errors: unknown[] = [];
  const queue = new EventQueue([sink], settings({ flush_interval_ms: 60_000 }), { onError: (e) => errors.push(e) });
  for (let i = 0; i < 7; i++) queue.push(makeEvent(i));
  await queue.flush();
  assert.equal(errors.length, 1);
  assert.deepEqual(got, []);
  await queue.flush();
  assert.deepEqual(got, [7]);
  assert.equal(queue.written, 7);
  await queue.close();
});

test('events pushed after close are dropped and counted', async () => {
  const sink = new RecordingSink();
  const queue = new EventQueue([sink], settings());
  queue.push(makeEvent(0));
  const closing = queue.close();
  queue.push(makeEvent(1));
  await closing;
  await queue.close();
  assert.deepEqual(sink.events.map((e) => e.request_id), ['req_0']);
  assert.equal(queue.dropped, 1);
  assert.ok(sink.closed);
});

test('batch listeners see every batch once, and one that throws harms nothing', async () => {
  const sink = new RecordingSink();
  const errors: string[] = [];
  const fromHook: string[] = [];
  const queue = new EventQueue([sink], settings({ batch_size: 4 }), {
    onBatch: (batch) => fromHook.push(...eventsOf(batch).map((e) => e.request_id)),
    onError: (_err, source) => errors.push(source),
  });
  const fromSubscriber: string[] = [];
  const unsubscribe = queue.subscribe((batch) => fromSubscriber.push(...eventsOf(batch).map((e) => e.request_id)));
  queue.subscribe(() => {
    throw new Error('listener bug');
  });
  for (let i = 0; i < 10; i++) queue.push(makeEvent(i));
  await queue.flush();
  unsubscribe();
  queue.push(makeEvent(10));
  await queue.close();
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `req_${i}`);
  assert.deepEqual(fromHook, ids(11));
  assert.deepEqual(fromSubscriber, ids(10));
  assert.deepEqual(sink.events.map((e) => e.request_id), ids(11));
  assert.ok(errors.length >= 2 && errors.every((s) => s === 'onBatch'));
});

test('with no sinks, events still reach listeners and count as written', async () => {
  let seen = 0;
  const queue = new EventQueue([], settings(), { onBatch: (b) => (seen += b.length) });
  for (let i = 0; i < 42; i++) queue.push(makeEvent(i));
  await queue.close();
  assert.equal(seen, 42);
  assert.equal(queue.written, 42);
});

test('a batch is complete at BATCH_TEXT_LIMIT bytes even below batch_size', async () => {
  const sink = new RecordingSink();
  const queue = new EventQueue([sink], settings({ batch_size: 10_000, flush_interval_ms: 60_000 }));
  const big = (i: number): LogEventV1 => ({ ...makeEvent(i), messages: [{ role: 'user', content: 'x'.repeat(4000) }] });
  for (let i = 0; i < 100; i++) queue.push(big(i));
  await nextTurn();
  const perBatch = Math.ceil(BATCH_TEXT_LIMIT / (Buffer.byteLength(formatEventLine(big(0))) + 1));
  assert.ok(sink.batches.length >= 2, `expected complete batches on the next turn, got ${sink.batches.length}`);
  assert.ok(sink.batches.every((b) => b.length <= perBatch), `batches of ${sink.batches.map((b) => b.length)} exceed ${perBatch} events`);
  await queue.close();
  assert.deepEqual(sink.events.map((e) => e.request_id), Array.from({ length: 100 }, (_, i) => `req_${i}`));
});

test('flush writes events pushed in the same turn, before their formatting turn comes', async () => {
  const sink = new RecordingSink();
  const queue = new EventQueue([sink], settings({ flush_interval_ms: 60_000 }));
  for (let i = 0; i < 3; i++) queue.push(makeEvent(i));
  assert.equal(queue.depth, 3);
  await queue.flush();
  assert.deepEqual(sink.events, [makeEvent(0), makeEvent(1), makeEvent(2)]);
  assert.equal(queue.depth, 0);
  await queue.close();
});

test('an event that cannot be formatted is dropped, counted and reported instead of thrown', async () => {
  const sink = new RecordingSink();
  const errors: string[] = [];
  const queue = new EventQueue([sink], settings(), { onError: (_err, source) => errors.push(source) });
  queue.push({ ...makeEvent(0), params: { seed: 1n } });
  queue.push(makeEvent(1));
  await queue.close();
  assert.deepEqual(errors, ['format']);
  assert.equal(queue.dropped, 1);
  assert.deepEqual(sink.events.map((e) => e.request_id), ['req_1']);
});
