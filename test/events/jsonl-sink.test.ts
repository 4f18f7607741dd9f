import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { batchOf } from '../../src/events/batch.ts';
import { formatEventLine, JsonlFileSink, listEventFiles } from '../../src/events/jsonl-sink.ts';
import { parseEventLine } from '../../src/events/parse.ts';
import { readEvents } from '../../src/events/reader.ts';
import type { LogEventV1 } from '../../src/events/types.ts';
import { makeEvent, tempDir } from './helpers.ts';

async function readAll(files: string[]): Promise<LogEventV1[]> {
  const out: LogEventV1[] = [];
  for (const file of files) for await (const e of readEvents(file, { strict: true })) out.push(e);
  return out;
}

test('written events read back equal through readEvents', async () => {
  const dir = tempDir();
  const sink = new JsonlFileSink({ dir, rotateBytes: 1 << 30 });
  const events = Array.from({ length: 300 }, (_, i) => makeEvent(i));
  sink.write(batchOf(events.slice(0, 100)));
  sink.write(batchOf(events.slice(100)));
  sink.close();
  const files = listEventFiles(dir);
  assert.equal(files.length, 1);
  assert.match(basename(files[0]), /^events-\d{8}T\d{9}Z\.jsonl$/);
  assert.deepEqual(await readAll(files), events);
});

test('each line has the fields in the order of the spec and leaves out null optional fields', () => {
  const line = formatEventLine(makeEvent(1));
  assert.deepEqual(Object.keys(JSON.parse(line)), [
    'ts', 'request_id', 'account_id', 'key_id', 'client', 'endpoint', 'model', 'params', 'messages', 'response',
  ]);
  assert.deepEqual(Object.keys(JSON.parse(line).client), ['ip', 'asn', 'user_agent']);
  assert.deepEqual(Object.keys(JSON.parse(line).response), [
    'status', 'input_tokens', 'output_tokens', 'finish_reason', 'latency_ms',
  ]);
  const parsed = parseEventLine(line);
  assert.ok(parsed.ok);
  if (parsed.ok) assert.deepEqual(parsed.event, makeEvent(1));
});

test('rotation produces several files whose union is every event in order', async () => {
  const dir = tempDir();
  const rotateBytes = 8 * 1024;
  // a fixed clock: every file is opened in the same millisecond, so names differ only by their sequence suffix
  const sink = new JsonlFileSink({ dir, rotateBytes, now: () => new Date(Date.UTC(2026, 10, 27, 2, 30)) });
  const events = Array.from({ length: 500 }, (_, i) => makeEvent(i));
  for (let i = 0; i < events.length; i += 10) sink.write(batchOf(events.slice(i, i + 10)));
  sink.close();
  const files = listEventFiles(dir);
  assert.ok(files.length > 5, `expected several files, got ${files.length}`);
  for (const file of files) assert.ok(statSync(file).size <= rotateBytes, `${file} is over the rotation size`);
  assert.deepEqual(await readAll(files), events);
  assert.equal(basename(files[0]), 'events-20261127T023000000Z.jsonl');
  assert.equal(basename(files[1]), 'events-20261127T023000000Z-1.jsonl');
  assert.equal(basename(files[10]), 'events-20261127T023000000Z-10.jsonl');
});

test('a new sink never appends to an existing file and other files are not listed', () => {
  const dir = tempDir();
  const clock = () => new Date(Date.UTC(2026, 10, 27, 2, 30));
  const first = new JsonlFileSink({ dir, rotateBytes: 1 << 20, now: clock });
  first.write(batchOf([makeEvent(1)]));
  first.close();
  const second = new JsonlFileSink({ dir, rotateBytes: 1 << 20, now: clock });
  second.write(batchOf([makeEvent(2)]));
  second.close();
  writeFileSync(join(dir, 'notes.txt'), 'not an event file');
  const files = listEventFiles(dir);
  assert.deepEqual(files.map((f) => basename(f)), ['events-20261127T023000000Z.jsonl', 'events-20261127T023000000Z-1.jsonl']);
  assert.equal(readFileSync(files[0], 'utf8').split('\n').filter(Boolean).length, 1);
  assert.equal(readdirSync(dir).length, 3);
});

test('no file is created before the first event', () => {
  const dir = tempDir();
  const sink = new JsonlFileSink({ dir, rotateBytes: 1024 });
  sink.write(batchOf([]));
  sink.close();
  assert.deepEqual(readdirSync(dir), []);
});
