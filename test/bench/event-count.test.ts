import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { countEventLines, countSqliteEvents } from '../../bench/lib/event-count.ts';

describe('event counts', () => {
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

  it('counts the rows of the SQLite event store, 0 when there is none', () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'dg-event-sqlite-'));
    try {
      assert.equal(countSqliteEvents(dir), 0);
      const db = new Database(join(dir, 'events.sqlite'));
      db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, json TEXT)');
      db.prepare('INSERT INTO events (json) VALUES (?), (?)').run('{}', '{}');
      db.close();
      assert.equal(countSqliteEvents(dir), 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
