import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { LogParseError, readAccounts, readEvents, readJsonl, type LineRejection } from '../../src/events/reader.ts';
import type { LogEventV1 } from '../../src/events/types.ts';
import { tempDir } from './helpers.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/events/${name}`, import.meta.url));

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function event(i: number): string {
  return JSON.stringify({
    ts: new Date(Date.UTC(2026, 9, 1) + i).toISOString(),
    request_id: `req_${i}`,
    account_id: `acct_${i % 7}`,
    client: { ip: '10.0.0.1' },
    endpoint: '/v1/chat/completions',
    model: 'm',
    params: {},
    messages: [{ role: 'user', content: `prompt ${i} ` + 'é中'.repeat(i % 50) }],
    response: { status: 200 },
  });
}

test('lines keep their physical line numbers and empty lines are skipped', async () => {
  const lines = await collect(readJsonl(fixture('mixed.jsonl')));
  assert.deepEqual(lines.map((l) => l.lineNo), [1, 2, 3, 5, 6]);
});

test('CRLF line endings, a byte order mark and a last line without newline are handled', async () => {
  const file = join(tempDir(), 'crlf.jsonl');
  writeFileSync(file, '\uFEFF{"a":1}\r\n\r\n  \r\n{"a":2}\r\n{"a":3}');
  const lines = await collect(readJsonl(file));
  assert.deepEqual(lines, [
    { lineNo: 1, line: '{"a":1}' },
    { lineNo: 4, line: '{"a":2}' },
    { lineNo: 5, line: '{"a":3}' },
  ]);
});

test('lines split across chunks, multi-byte characters included, come back whole', async () => {
  const file = join(tempDir(), 'many.jsonl');
  const expected = Array.from({ length: 2000 }, (_, i) => event(i));
  writeFileSync(file, expected.join('\n') + '\n');
  // tiny chunks force every line and many UTF-8 sequences to straddle chunk boundaries
  const lines = await collect(readJsonl(file, { chunkBytes: 97 }));
  assert.deepEqual(lines.map((l) => l.line), expected);
  assert.equal(lines[1999].lineNo, 2000);
});

test('a .jsonl.gz file reads the same as the plain file and reports compressed progress', async () => {
  const dir = tempDir();
  const text = Array.from({ length: 3000 }, (_, i) => event(i)).join('\n') + '\n';
  writeFileSync(join(dir, 'events.jsonl'), text);
  const gz = join(dir, 'events.jsonl.gz');
  writeFileSync(gz, gzipSync(text));
  const progress: [number, number][] = [];
  const plain = await collect(readEvents(join(dir, 'events.jsonl')));
  const unzipped = await collect(readEvents(gz, { chunkBytes: 4096, onProgress: (read, total) => progress.push([read, total]) }));
  assert.equal(unzipped.length, 3000);
  assert.deepEqual(unzipped, plain);
  const size = statSync(gz).size;
  assert.ok(progress.length > 1);
  assert.ok(progress.every(([, total]) => total === size));
  assert.equal(progress[progress.length - 1][0], size);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i][0] >= progress[i - 1][0]);
});

test('bad lines are rejected with their line number and field and the rest is read', async () => {
  const rejected: LineRejection[] = [];
  const events: LogEventV1[] = await collect(readEvents(fixture('mixed.jsonl'), { onReject: (r) => rejected.push(r) }));
  assert.deepEqual(events.map((e) => e.request_id), ['req_1', 'req_5']);
  assert.deepEqual(
    rejected.map(({ lineNo, field }) => ({ lineNo, field })),
    [
      { lineNo: 2, field: null },
      { lineNo: 3, field: 'client.ip' },
      { lineNo: 5, field: 'response.status' },
    ],
  );
});

test('strict mode throws a LogParseError at the first bad line', async () => {
  await assert.rejects(collect(readEvents(fixture('mixed.jsonl'), { strict: true })), (err: unknown) => {
    assert.ok(err instanceof LogParseError);
    assert.equal(err.lineNo, 2);
    assert.equal(err.field, null);
    assert.equal(err.code, 'DG_ERR_LOG_PARSE');
    assert.match(err.message, /^line 2: invalid JSON/);
    return true;
  });
});

test('strict mode names the field of the first bad line', async () => {
  const file = join(tempDir(), 'one-bad.jsonl');
  const lines = readFileSync(fixture('mixed.jsonl'), 'utf8').split('\n');
  writeFileSync(file, [lines[0], lines[0].replace('req_1', 'req_x'), lines[2]].join('\n'));
  await assert.rejects(collect(readEvents(file, { strict: true })), { name: 'LogParseError', lineNo: 3, field: 'client.ip' });
});

test('account files are read with the same rejection rules', async () => {
  const rejected: LineRejection[] = [];
  const accounts = await collect(readAccounts(fixture('accounts.jsonl'), { onReject: (r) => rejected.push(r) }));
  assert.deepEqual(accounts.map((a) => a.account_id), ['acct_29f8', 'acct_7c01']);
  assert.deepEqual(rejected, [{ lineNo: 3, field: 'verification', message: 'verification: expected one of none, email, phone, id, org' }]);
});

test('breaking out of the loop early stops reading without error', async () => {
  const file = join(tempDir(), 'early.jsonl');
  writeFileSync(file, Array.from({ length: 100 }, (_, i) => event(i)).join('\n'));
  let n = 0;
  for await (const e of readEvents(file, { chunkBytes: 256 })) {
    assert.equal(e.request_id, 'req_0');
    n++;
    break;
  }
  assert.equal(n, 1);
});

test('a truncated .gz file yields what it holds, then a LogParseError', async () => {
  const file = join(tempDir(), 'cut.jsonl.gz');
  const gz = gzipSync(Array.from({ length: 2000 }, (_, i) => event(i)).join('\n') + '\n');
  writeFileSync(file, gz.subarray(0, gz.length - 64));
  const got: LogEventV1[] = [];
  await assert.rejects(
    (async () => {
      for await (const e of readEvents(file)) got.push(e);
    })(),
    (err: unknown) => err instanceof LogParseError && /gzip/.test(err.message) && err.lineNo === got.length + 1,
  );
  assert.ok(got.length > 0);
});
