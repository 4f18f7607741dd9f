import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuditLog, GENESIS_HASH, verifyAuditChain } from '../../src/enforce/audit-log.ts';
import { openDatabase } from '../../src/store/sqlite.ts';
import { tempEnforcer } from './helpers.ts';

function filledLog(t: Parameters<typeof tempEnforcer>[0], n = 5) {
  const env = tempEnforcer(t);
  const log = new AuditLog(env.db);
  for (let i = 1; i <= n; i++) {
    log.append({ ts: `2026-11-27T00:00:0${i}.000Z`, actor: 'system', event: 'test.entry', actionId: null, payload: { i, note: `entry ${i}` } });
  }
  return { ...env, log };
}

/** What someone with write access does first: drop the append-only triggers. */
function dropTriggers(db: ReturnType<typeof openDatabase>): void {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
}

test('entries are chained from a genesis hash of 64 zeros and the chain verifies', (t) => {
  const { db, log } = filledLog(t);
  const entries = log.list();
  assert.equal(entries.length, 5);
  assert.equal(entries[0]!.prevHash, GENESIS_HASH);
  for (let i = 1; i < entries.length; i++) assert.equal(entries[i]!.prevHash, entries[i - 1]!.hash);
  assert.deepEqual(verifyAuditChain(db), { ok: true, entries: 5 });
  assert.deepEqual(log.list({ sinceSeq: 3 }).map((e) => e.seq), [4, 5]);
});

test('an empty log verifies with zero entries', (t) => {
  const { db } = tempEnforcer(t);
  assert.deepEqual(verifyAuditChain(db), { ok: true, entries: 0 });
});

test('triggers make UPDATE and DELETE on the audit log fail', (t) => {
  const { db } = filledLog(t);
  assert.throws(() => db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run(), /append-only/);
  assert.throws(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run(), /append-only/);
  assert.equal(verifyAuditChain(db).ok, true);
});

test('verify names the first entry whose payload was edited', (t) => {
  const { file } = filledLog(t);
  const other = openDatabase(file);
  t.after(() => other.close());
  dropTriggers(other);
  other.prepare(`UPDATE audit_log SET payload = '{"i":3,"note":"nothing happened"}' WHERE seq = 3`).run();
  const result = verifyAuditChain(other);
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.firstBroken, 3);
  assert.match(!result.ok ? result.reason : '', /does not match its hash/);
});

test('verify names a deleted entry as a gap', (t) => {
  const { db } = filledLog(t);
  dropTriggers(db);
  db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
  const result = verifyAuditChain(db);
  assert.deepEqual(result, { ok: false, firstBroken: 2, reason: 'entry 2 is missing (the next entry is 3)' });
});

test('verify catches reordered entries and a forged prev_hash', (t) => {
  const { db } = filledLog(t);
  dropTriggers(db);
  // swap the contents of entries 2 and 4, keeping their seq numbers
  const row = db.prepare('SELECT * FROM audit_log WHERE seq = ?');
  const two = row.get(2) as Record<string, unknown>;
  const four = row.get(4) as Record<string, unknown>;
  const put = db.prepare('UPDATE audit_log SET ts = ?, payload = ?, hash = ?, prev_hash = ? WHERE seq = ?');
  put.run(four.ts, four.payload, four.hash, four.prev_hash, 2);
  put.run(two.ts, two.payload, two.hash, two.prev_hash, 4);
  const reordered = verifyAuditChain(db);
  assert.equal(!reordered.ok && reordered.firstBroken, 2);

  const fresh = filledLog(t);
  dropTriggers(fresh.db);
  fresh.db.prepare("UPDATE audit_log SET prev_hash = ? WHERE seq = 4").run('f'.repeat(64));
  const forged = verifyAuditChain(fresh.db);
  assert.equal(!forged.ok && forged.firstBroken, 4);
  assert.match(!forged.ok ? forged.reason : '', /prev_hash/);
});
