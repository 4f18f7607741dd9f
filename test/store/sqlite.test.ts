import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase } from '../../src/store/sqlite.ts';

function tempFile(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'dg-sqlite-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'nested', 'distillguard.sqlite');
}

test('openDatabase creates the file in WAL mode with foreign keys and a busy timeout', (t) => {
  const db = openDatabase(tempFile(t));
  t.after(() => db.close());
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
});

test('migrate applies each step once, per module, and resumes with steps added later', (t) => {
  const file = tempFile(t);
  const db = openDatabase(file);
  migrate(db, 'alpha', ['CREATE TABLE a (x INTEGER)']);
  migrate(db, 'beta', ['CREATE TABLE b (y INTEGER)']);
  // running again must not re-run (CREATE TABLE would fail on a second run)
  migrate(db, 'alpha', ['CREATE TABLE a (x INTEGER)']);
  db.close();

  const reopened = openDatabase(file);
  t.after(() => reopened.close());
  migrate(reopened, 'alpha', ['CREATE TABLE a (x INTEGER)', 'ALTER TABLE a ADD COLUMN z TEXT']);
  const columns = reopened.prepare("SELECT name FROM pragma_table_info('a')").pluck().all();
  assert.deepEqual(columns, ['x', 'z']);
  const versions = reopened.prepare('SELECT name, version FROM schema_migrations ORDER BY name, version').all();
  assert.deepEqual(versions, [
    { name: 'alpha', version: 1 },
    { name: 'alpha', version: 2 },
    { name: 'beta', version: 1 },
  ]);
});

test('a failing migration step leaves no half-applied version behind', (t) => {
  const db = openDatabase(tempFile(t));
  t.after(() => db.close());
  assert.throws(() => migrate(db, 'broken', ['CREATE TABLE ok (x INTEGER)', 'NOT SQL AT ALL']));
  const recorded = db.prepare("SELECT COUNT(*) FROM schema_migrations WHERE name = 'broken'").pluck().get();
  assert.equal(recorded, 0);
  const tables = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ok'").pluck().get();
  assert.equal(tables, 0);
});
