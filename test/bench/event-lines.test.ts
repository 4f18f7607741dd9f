import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { countEventLines } from '../../bench/lib/event-lines.ts';

describe('event line count', () => {
  it('counts the lines of every events*.jsonl under the data dir, rotated files included, and nothing else', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'dg-event-lines-'));
    try {
      mkdirSync(join(dir, 'events'));
      writeFileSync(join(dir, 'events', 'events-20261127T023015123Z.jsonl'), '{"a":1}\n{"a":2}\n');
      writeFileSync(join(dir, 'events', 'events-20261127T023015123Z-1.jsonl'), '{"a":3}\n');
      writeFileSync(join(dir, 'accounts.jsonl'), '{"id":"x"}\n');
      writeFileSync(join(dir, 'distillguard.sqlite'), 'not counted\n');
      assert.equal(await countEventLines(dir), 3);
      assert.equal(await countEventLines(join(dir, 'missing')), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
