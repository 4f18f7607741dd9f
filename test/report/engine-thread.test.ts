// The engine thread starts before the reader has read anything: its heap bound comes from counting the lines
// of the accounts file, and a thread started early gives the report a thread started by the pipeline gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeLogPipelined } from '../../src/report/analyze-pipeline.ts';
import { countAccountLines, engineHeapLimitMb, startEngineThread } from '../../src/report/engine-thread.ts';
import { simulate } from '../../src/sim/simulate.ts';
import { writeSimulation } from '../../src/sim/writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'dg-engine-thread-'));

test('account lines are counted as the reader sees records: blank and CRLF-blank lines skipped, .gz read', () => {
  const text = '{"a":1}\n\n{"a":2}\r\n\r\n{"a":3}';
  writeFileSync(join(dir, 'a.jsonl'), text);
  writeFileSync(join(dir, 'a.jsonl.gz'), gzipSync(text));
  writeFileSync(join(dir, 'empty.jsonl'), '');
  assert.equal(countAccountLines(join(dir, 'a.jsonl')), 3);
  assert.equal(countAccountLines(join(dir, 'a.jsonl.gz')), 3);
  assert.equal(countAccountLines(join(dir, 'empty.jsonl')), 0);
  // unreadable: no bound from it (the reader reports the error, naming the file)
  assert.equal(countAccountLines(join(dir, 'missing.jsonl')), null);
  writeFileSync(join(dir, 'bad.jsonl.gz'), 'not gzip');
  assert.equal(countAccountLines(join(dir, 'bad.jsonl.gz')), null);
  assert.equal(engineHeapLimitMb(countAccountLines(join(dir, 'a.jsonl'))), engineHeapLimitMb(3));
});

test('an engine thread started before the run gives the report of one the pipeline starts', async () => {
  const sim = join(dir, 'sim');
  writeSimulation(sim, simulate({ scenario: 'mixed', seed: 3, scale: 0.02, dataDir: join(dir, 'no-data') }));
  const o = { eventsPath: join(sim, 'events.jsonl'), accountsPath: join(sim, 'accounts.jsonl'), now: new Date('2026-11-27T00:00:00Z') };
  const early = await analyzeLogPipelined({ ...o, engine: startEngineThread(o) });
  const late = await analyzeLogPipelined(o);
  assert.equal(early.mode, 'two-threads');
  assert.ok(early.report.input.events > 100, `enough events (${early.report.input.events})`);
  assert.deepEqual(early.report, late.report);
});
