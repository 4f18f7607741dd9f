import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdentityCache } from '../../src/identity/identity-cache.ts';
import { generateKey } from '../../src/identity/keys.ts';
import { CHANGE_LOG_KEEP, CHANGE_LOG_PRUNE_EVERY } from '../../src/identity/identity-store.ts';
import { tempStore } from './helpers.ts';

test('authenticate accepts a valid secret and returns the account\'s principal', (t) => {
  const { store } = tempStore(t);
  store.createAccount({ id: 'a', orgId: 'o', tier: 'phone' });
  const { record, secret } = store.createKey('a');
  const cache = new IdentityCache(store);
  cache.reload();
  assert.deepEqual(cache.authenticate(secret), {
    ok: true,
    principal: { keyId: record.id, accountId: 'a', orgId: 'o', tier: 'phone', groupId: null, status: 'active' },
  });
});

test('authenticate rejects malformed, unknown and tampered secrets as invalid', (t) => {
  const { store } = tempStore(t);
  store.createAccount({ id: 'a' });
  const { secret } = store.createKey('a');
  const cache = new IdentityCache(store);
  cache.reload();
  const lastChar = secret.at(-1) === 'A' ? 'B' : 'A';
  const tampered = secret.slice(0, -1) + lastChar;
  for (const bad of ['', 'garbage', `Bearer ${secret}`, secret + ' ', tampered, generateKey().secret]) {
    assert.deepEqual(cache.authenticate(bad), { ok: false, reason: 'invalid' }, bad);
  }
});

test('a revoked key authenticates as revoked after reload', (t) => {
  const { store } = tempStore(t);
  store.createAccount({ id: 'a' });
  const { record, secret } = store.createKey('a');
  const cache = new IdentityCache(store);
  cache.reload();
  assert.equal(cache.authenticate(secret).ok, true);
  store.revokeKey(record.id);
  cache.reload();
  assert.deepEqual(cache.authenticate(secret), { ok: false, reason: 'revoked' });
});

test('a key created after the last reload is unknown until the next one (no I/O per request)', (t) => {
  const { store } = tempStore(t);
  store.createAccount({ id: 'a' });
  const cache = new IdentityCache(store);
  cache.reload();
  const { secret } = store.createKey('a');
  assert.deepEqual(cache.authenticate(secret), { ok: false, reason: 'invalid' });
  cache.reload();
  assert.equal(cache.authenticate(secret).ok, true);
});

test('startWatching picks up changes another process makes to the same file, via data_version', async (t) => {
  const gateway = tempStore(t);
  const cli = gateway.openAnother();
  gateway.store.createAccount({ id: 'a', tier: 'none' });
  const cache = new IdentityCache(gateway.store);
  cache.reload();
  cache.startWatching(10);
  t.after(() => cache.stop());

  const { record, secret } = cli.createKey('a');
  await until(() => cache.authenticate(secret).ok);

  cli.setTier('a', 'org');
  cli.setGroup('a', 'campaign-1');
  await until(() => {
    const r = cache.authenticate(secret);
    return r.ok && r.principal.tier === 'org' && r.principal.groupId === 'campaign-1';
  });

  cli.setStatus('a', 'suspended');
  await until(() => {
    const r = cache.authenticate(secret);
    return r.ok && r.principal.status === 'suspended';
  });

  cli.revokeKey(record.id);
  await until(() => {
    const r = cache.authenticate(secret);
    return !r.ok && r.reason === 'revoked';
  });
});

test('the watcher does not reload when nothing changed', async (t) => {
  const { store } = tempStore(t);
  store.createAccount({ id: 'a' });
  const { secret } = store.createKey('a');
  const cache = new IdentityCache(store);
  cache.reload();
  cache.startWatching(5);
  t.after(() => cache.stop());
  // each reload builds new result objects, so the same object later means no reload happened
  const before = cache.authenticate(secret);
  await sleep(60);
  assert.equal(cache.authenticate(secret), before);
  cache.reloadAll();
  assert.notEqual(cache.authenticate(secret), before);
});

test('reload after a change re-reads only the changed account\'s keys, and its result matches a full reload', (t) => {
  const { store } = tempStore(t);
  const secrets = new Map<string, string>();
  for (const id of ['a', 'b', 'c']) {
    store.createAccount({ id });
    secrets.set(id, store.createKey(id).secret);
  }
  const cache = new IdentityCache(store);
  cache.reload();
  const untouched = cache.authenticate(secrets.get('a')!);

  store.setTier('b', 'org');
  const revokedKey = store.listKeys('c')[0]!.id;
  store.revokeKey(revokedKey);
  const extra = store.createKey('c').secret;
  cache.reload();

  const b = cache.authenticate(secrets.get('b')!);
  assert.ok(b.ok && b.principal.tier === 'org');
  assert.deepEqual(cache.authenticate(secrets.get('c')!), { ok: false, reason: 'revoked' });
  assert.equal(cache.authenticate(extra).ok, true);
  // account a was not re-read: its result is the very object built by the first load
  assert.equal(cache.authenticate(secrets.get('a')!), untouched);

  const full = new IdentityCache(store);
  full.reloadAll();
  for (const secret of [...secrets.values(), extra, 'garbage']) {
    assert.deepEqual(cache.authenticate(secret), full.authenticate(secret), secret);
  }
});

test('a cache that fell behind the pruned change log reloads everything', (t) => {
  const gateway = tempStore(t);
  const other = gateway.openAnother();
  gateway.store.createAccount({ id: 'a' });
  const cache = new IdentityCache(gateway.store);
  cache.reload();

  // more changes than the log keeps, made by another connection, the first one to a key of account a
  const { secret } = other.createKey('a');
  other.createAccount({ id: 'busy' });
  other.db.transaction(() => {
    for (let i = 0; i < CHANGE_LOG_KEEP + CHANGE_LOG_PRUNE_EVERY; i++) other.setGroup('busy', `g${i % 2}`);
  })();
  const window = other.changeWindow();
  assert.ok(window.oldest > 2, `log pruned (oldest ${window.oldest})`);

  cache.reload();
  assert.equal(cache.authenticate(secret).ok, true);
});

/** Waits for a condition the watcher makes true; the test runner's timeout bounds it. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}
