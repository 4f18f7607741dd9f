import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DgError } from '../../src/errors.ts';
import { hashSecret } from '../../src/identity/keys.ts';
import { TEST_PEPPER, tempStore } from './helpers.ts';

function assertDgError(fn: () => unknown, code: string, param: string | null): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DgError, `expected DgError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.param, param);
    return true;
  });
}

test('createAccount stores an active account with tier none by default and rejects a duplicate with CONFLICT', (t) => {
  const { store } = tempStore(t);
  const acct = store.createAccount({ id: 'acct_1' });
  assert.equal(acct.id, 'acct_1');
  assert.equal(acct.tier, 'none');
  assert.equal(acct.orgId, null);
  assert.equal(acct.groupId, null);
  assert.equal(acct.status, 'active');
  assert.ok(!Number.isNaN(Date.parse(acct.createdAt)));
  assert.deepEqual(store.getAccount('acct_1'), acct);
  assertDgError(() => store.createAccount({ id: 'acct_1' }), 'DG_ERR_CONFLICT', 'id');
});

test('createAccount validates the id, org id and tier, naming the field', (t) => {
  const { store } = tempStore(t);
  for (const id of ['', 'has space', 'a'.repeat(129), 'slash/y', 'é']) {
    assertDgError(() => store.createAccount({ id }), 'DG_ERR_INVALID_REQUEST', 'id');
  }
  assertDgError(() => store.createAccount({ id: 'ok', orgId: 'bad org' }), 'DG_ERR_INVALID_REQUEST', 'org_id');
  assertDgError(() => store.createAccount({ id: 'ok', tier: 'gold' as never }), 'DG_ERR_INVALID_REQUEST', 'tier');
  assert.equal(store.getAccount('ok'), null);
  assert.equal(store.createAccount({ id: 'A-z_0.9:x'.padEnd(128, 'y'), orgId: 'org:1', tier: 'org' }).orgId, 'org:1');
});

test('setTier, setGroup and setStatus change the account; unknown accounts get NOT_FOUND', (t) => {
  const { store } = tempStore(t);
  store.createAccount({ id: 'a' });
  assert.equal(store.setTier('a', 'phone').tier, 'phone');
  assert.equal(store.setGroup('a', 'campaign-7').groupId, 'campaign-7');
  assert.equal(store.setGroup('a', null).groupId, null);
  assert.equal(store.setStatus('a', 'suspended').status, 'suspended');
  assert.equal(store.setStatus('a', 'active').status, 'active');
  assertDgError(() => store.setTier('a', 'platinum' as never), 'DG_ERR_INVALID_REQUEST', 'tier');
  assertDgError(() => store.setGroup('a', 'bad group'), 'DG_ERR_INVALID_REQUEST', 'group_id');
  assertDgError(() => store.setStatus('a', 'banned' as never), 'DG_ERR_INVALID_REQUEST', 'status');
  assertDgError(() => store.setTier('ghost', 'id'), 'DG_ERR_NOT_FOUND', 'account_id');
  assertDgError(() => store.setGroup('ghost', 'g'), 'DG_ERR_NOT_FOUND', 'account_id');
  assertDgError(() => store.setStatus('ghost', 'active'), 'DG_ERR_NOT_FOUND', 'account_id');
});

test('listAccounts returns every account in creation order', (t) => {
  const { store } = tempStore(t);
  for (const id of ['c', 'a', 'b']) store.createAccount({ id });
  assert.deepEqual(store.listAccounts().map((a) => a.id).sort(), ['a', 'b', 'c']);
  assert.equal(store.listAccounts().length, 3);
});

test('createKey returns the secret once and stores only its keyed hash: the secret is nowhere in the DB files', (t) => {
  const { store, dir } = tempStore(t);
  store.createAccount({ id: 'a' });
  const { record, secret } = store.createKey('a');
  assert.match(record.id, /^key_[0-9a-f]{12}$/);
  assert.ok(secret.startsWith(`dg-${record.id}-`));
  assert.equal(record.accountId, 'a');
  assert.equal(record.revokedAt, null);

  const stored = store.db.prepare('SELECT hash FROM api_keys WHERE id = ?').pluck().get(record.id);
  assert.equal(stored, hashSecret(TEST_PEPPER, secret));
  // flush the WAL into the main file too, then scan every file of the database byte by byte
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  // after the key id's dash: base64url may hold dashes of its own, so not after the last one
  const randomPart = secret.slice(`dg-${record.id}-`.length);
  assert.equal(randomPart.length, 43);
  for (const name of readdirSync(dir)) {
    const bytes = readFileSync(join(dir, name));
    assert.equal(bytes.indexOf(secret), -1, `secret found in ${name}`);
    assert.equal(bytes.indexOf(randomPart), -1, `secret's random part found in ${name}`);
  }
});

test('createKey for an unknown account is NOT_FOUND', (t) => {
  const { store } = tempStore(t);
  assertDgError(() => store.createKey('ghost'), 'DG_ERR_NOT_FOUND', 'account_id');
});

test('listKeys lists all keys or one account\'s keys, and revokeKey marks a key revoked once', (t) => {
  const { store } = tempStore(t);
  store.createAccount({ id: 'a' });
  store.createAccount({ id: 'b' });
  const k1 = store.createKey('a').record;
  const k2 = store.createKey('a').record;
  const k3 = store.createKey('b').record;
  assert.deepEqual(store.listKeys('a').map((k) => k.id).sort(), [k1.id, k2.id].sort());
  assert.deepEqual(store.listKeys().map((k) => k.id).sort(), [k1.id, k2.id, k3.id].sort());
  assertDgError(() => store.listKeys('ghost'), 'DG_ERR_NOT_FOUND', 'account_id');

  const revoked = store.revokeKey(k1.id);
  assert.ok(revoked.revokedAt);
  assert.equal(store.revokeKey(k1.id).revokedAt, revoked.revokedAt, 'revoking twice keeps the first time');
  assert.equal(store.getKey(k2.id)!.revokedAt, null);
  assertDgError(() => store.revokeKey('key_000000000000'), 'DG_ERR_NOT_FOUND', 'id');
  assertDgError(() => store.revokeKey('not a key id'), 'DG_ERR_NOT_FOUND', 'id');
});

test('loadPrincipals maps each key id to its hash, revocation and the account\'s current state', (t) => {
  const { store } = tempStore(t);
  store.createAccount({ id: 'a', orgId: 'org1', tier: 'id' });
  store.setGroup('a', 'g1');
  const { record, secret } = store.createKey('a');
  const other = store.createKey('a').record;
  store.revokeKey(other.id);
  const principals = store.loadPrincipals();
  assert.equal(principals.size, 2);
  assert.deepEqual(principals.get(record.id), {
    hash: hashSecret(TEST_PEPPER, secret),
    revoked: false,
    principal: { keyId: record.id, accountId: 'a', orgId: 'org1', tier: 'id', groupId: 'g1', status: 'active' },
  });
  assert.equal(principals.get(other.id)!.revoked, true);
});

test('two stores on the same file (two processes) see each other\'s writes, and migrations run once', (t) => {
  const first = tempStore(t);
  const second = first.openAnother();
  first.store.createAccount({ id: 'shared' });
  assert.equal(second.getAccount('shared')!.id, 'shared');
  assert.throws(() => second.createAccount({ id: 'shared' }), /already exists/);
  second.createAccount({ id: 'other' });
  const versions = first.store.db.prepare("SELECT version FROM schema_migrations WHERE name = 'identity' ORDER BY version").pluck().all();
  assert.deepEqual(versions, [1, 2, 3], 'each step recorded once');
});
