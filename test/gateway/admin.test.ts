import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildAdminServer } from '../../src/gateway/admin.ts';
import { IdentityCache } from '../../src/identity/identity-cache.ts';
import { tempStore } from '../identity/helpers.ts';

const TOKEN = 'dga_test-admin-token';

interface Admin {
  cache: IdentityCache;
  call(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; json: any }>;
}

async function startAdmin(
  t: { after(fn: () => Promise<void> | void): void },
  extraRoutes?: (app: FastifyInstance) => void,
  onInternalError?: (err: unknown) => void,
): Promise<Admin> {
  const { store } = tempStore(t);
  const cache = new IdentityCache(store);
  cache.reload();
  const app = buildAdminServer({ store, cache, adminToken: TOKEN, extraRoutes, onInternalError });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return {
    cache,
    async call(method, path, body, token = TOKEN) {
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let payload: string | undefined;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const res = await fetch(base + path, { method, headers, body: payload });
      return { status: res.status, json: await res.json() };
    },
  };
}

test('admin routes require the admin token', async (t) => {
  const admin = await startAdmin(t);
  for (const token of [null, '', 'wrong', TOKEN + 'x', TOKEN.slice(0, -1)]) {
    const res = await admin.call('GET', '/admin/accounts', undefined, token);
    assert.equal(res.status, 401, String(token));
    assert.equal(res.json.error.code, 'DG_ERR_ADMIN_UNAUTHORIZED');
    assert.match(res.json.error.message, /admin token/);
  }
  const res = await admin.call('POST', '/admin/accounts', { id: 'sneaky' }, 'wrong');
  assert.equal(res.status, 401);
  assert.equal((await admin.call('GET', '/admin/accounts/sneaky')).status, 404, 'nothing was created');
});

test('extra routes (health, metrics) are served without the token', async (t) => {
  const admin = await startAdmin(t, (app) => app.get('/healthz', async () => ({ status: 'ok' })));
  const res = await admin.call('GET', '/healthz', undefined, null);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { status: 'ok' });
});

test('create, get and list accounts', async (t) => {
  const admin = await startAdmin(t);
  const created = await admin.call('POST', '/admin/accounts', { id: 'acct_1', org_id: 'org_a', tier: 'phone' });
  assert.equal(created.status, 201);
  assert.equal(created.json.id, 'acct_1');
  assert.equal(created.json.org_id, 'org_a');
  assert.equal(created.json.tier, 'phone');
  assert.equal(created.json.group_id, null);
  assert.equal(created.json.status, 'active');
  assert.equal((await admin.call('POST', '/admin/accounts', { id: 'acct_2' })).json.tier, 'none');

  const got = await admin.call('GET', '/admin/accounts/acct_1');
  assert.equal(got.status, 200);
  assert.deepEqual(got.json, created.json);
  const list = await admin.call('GET', '/admin/accounts');
  assert.deepEqual(list.json.data.map((a: { id: string }) => a.id).sort(), ['acct_1', 'acct_2']);

  const dup = await admin.call('POST', '/admin/accounts', { id: 'acct_1' });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.code, 'DG_ERR_CONFLICT');
  assert.equal(dup.json.error.param, 'id');
  const missing = await admin.call('GET', '/admin/accounts/nobody');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'DG_ERR_NOT_FOUND');
});

test('a key created through the API authenticates in the gateway\'s cache at once, and stops after revoke', async (t) => {
  const admin = await startAdmin(t);
  await admin.call('POST', '/admin/accounts', { id: 'a', tier: 'email' });
  const created = await admin.call('POST', '/admin/accounts/a/keys');
  assert.equal(created.status, 201);
  assert.deepEqual(Object.keys(created.json).sort(), ['account_id', 'created_at', 'id', 'secret']);
  assert.equal(created.json.account_id, 'a');
  const { id, secret } = created.json as { id: string; secret: string };
  assert.ok(secret.startsWith(`dg-${id}-`));
  const auth = admin.cache.authenticate(secret);
  assert.ok(auth.ok && auth.principal.accountId === 'a' && auth.principal.tier === 'email');

  const listed = await admin.call('GET', '/admin/keys?account=a');
  assert.deepEqual(listed.json.data, [{ id, account_id: 'a', created_at: created.json.created_at, revoked_at: null }]);
  assert.ok(!JSON.stringify(listed.json).includes(secret), 'the secret is never listed');
  assert.equal((await admin.call('GET', '/admin/keys')).json.data.length, 1);

  const revoked = await admin.call('POST', `/admin/keys/${id}/revoke`);
  assert.equal(revoked.status, 200);
  assert.ok(revoked.json.revoked_at);
  assert.deepEqual(admin.cache.authenticate(secret), { ok: false, reason: 'revoked' });

  assert.equal((await admin.call('POST', '/admin/keys/key_000000000000/revoke')).status, 404);
  assert.equal((await admin.call('POST', '/admin/accounts/nobody/keys')).status, 404);
  assert.equal((await admin.call('GET', '/admin/keys?account=nobody')).status, 404);
});

test('set tier, group and status reach the gateway\'s cache at once', async (t) => {
  const admin = await startAdmin(t);
  await admin.call('POST', '/admin/accounts', { id: 'a' });
  const { secret } = (await admin.call('POST', '/admin/accounts/a/keys')).json as { secret: string };

  const tier = await admin.call('POST', '/admin/accounts/a/tier', { tier: 'id' });
  assert.equal(tier.status, 200);
  assert.equal(tier.json.tier, 'id');
  const group = await admin.call('POST', '/admin/accounts/a/group', { group_id: 'campaign-9' });
  assert.equal(group.json.group_id, 'campaign-9');
  let auth = admin.cache.authenticate(secret);
  assert.ok(auth.ok && auth.principal.tier === 'id' && auth.principal.groupId === 'campaign-9');

  assert.equal((await admin.call('POST', '/admin/accounts/a/group', { group_id: null })).json.group_id, null);
  assert.equal((await admin.call('POST', '/admin/accounts/a/status', { status: 'suspended' })).json.status, 'suspended');
  auth = admin.cache.authenticate(secret);
  assert.ok(auth.ok && auth.principal.groupId === null && auth.principal.status === 'suspended');

  assert.equal((await admin.call('POST', '/admin/accounts/nobody/tier', { tier: 'id' })).status, 404);
});

test('bad bodies get 400 naming the field', async (t) => {
  const admin = await startAdmin(t);
  await admin.call('POST', '/admin/accounts', { id: 'a' });
  const cases: Array<[string, string, unknown, string | null, string]> = [
    ['POST', '/admin/accounts', {}, 'id', 'DG_ERR_INVALID_REQUEST'],
    ['POST', '/admin/accounts', { id: 42 }, 'id', 'DG_ERR_INVALID_REQUEST'],
    ['POST', '/admin/accounts', { id: 'has space' }, 'id', 'DG_ERR_INVALID_REQUEST'],
    ['POST', '/admin/accounts', { id: 'b', tier: 'gold' }, 'tier', 'DG_ERR_INVALID_REQUEST'],
    ['POST', '/admin/accounts', { id: 'b', org_id: 'bad org' }, 'org_id', 'DG_ERR_INVALID_REQUEST'],
    ['POST', '/admin/accounts', { id: 'b', teir: 'id' }, 'teir', 'DG_ERR_INVALID_REQUEST'],
    ['POST', '/admin/accounts', [], null, 'DG_ERR_INVALID_REQUEST'],
    ['POST', '/admin/accounts', '{"id":', null, 'DG_ERR_INVALID_JSON'],
    ['POST', '/admin/accounts/a/tier', { tier: 'platinum' }, 'tier', 'DG_ERR_INVALID_REQUEST'],
    ['POST', '/admin/accounts/a/tier', undefined, null, 'DG_ERR_INVALID_REQUEST'],
    ['POST', '/admin/accounts/a/group', {}, 'group_id', 'DG_ERR_INVALID_REQUEST'],
    ['POST', '/admin/accounts/a/group', { group_id: 'bad group' }, 'group_id', 'DG_ERR_INVALID_REQUEST'],
    ['POST', '/admin/accounts/a/status', { status: 'banned' }, 'status', 'DG_ERR_INVALID_REQUEST'],
  ];
  for (const [method, path, body, param, code] of cases) {
    const res = await admin.call(method, path, body);
    const label = `${path} ${JSON.stringify(body)}`;
    assert.equal(res.status, 400, label);
    assert.equal(res.json.error.code, code, label);
    assert.equal(res.json.error.param, param, label);
    if (param) assert.match(res.json.error.message, new RegExp(param), label);
  }
  assert.equal((await admin.call('GET', '/admin/accounts')).json.data.length, 1, 'nothing else was created');
});

test('unknown admin routes answer 404 in the admin error shape', async (t) => {
  const admin = await startAdmin(t);
  const res = await admin.call('GET', '/admin/nothing-here');
  assert.equal(res.status, 404);
  assert.equal(res.json.error.code, 'DG_ERR_NOT_FOUND');
});

test('a bug answers 500 DG_ERR_INTERNAL without its details and is reported to onInternalError', async (t) => {
  const reported: unknown[] = [];
  const admin = await startAdmin(
    t,
    (app) => app.get('/broken', async () => {
      throw new Error('secret internal detail');
    }),
    (err) => reported.push(err),
  );
  const res = await admin.call('GET', '/broken', undefined, null);
  assert.equal(res.status, 500);
  assert.equal(res.json.error.code, 'DG_ERR_INTERNAL');
  assert.ok(!JSON.stringify(res.json).includes('secret internal detail'));
  assert.equal(reported.length, 1);
  assert.match(String(reported[0]), /secret internal detail/);
});

test('an account created with sign-up details is passed on, with them, to whoever links accounts, and kept', async (t) => {
  const { store, openAnother } = tempStore(t);
  const cache = new IdentityCache(store);
  cache.reload();
  const created: unknown[] = [];
  const app = buildAdminServer({ store, cache, adminToken: TOKEN, onAccountCreated: (r) => created.push(r) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const post = (body: unknown) =>
    fetch(base + '/admin/accounts', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const signup = { created_at: '2026-03-01T10:00:00Z', payment_fingerprint: 'card_1', signup_ip: '203.0.113.9', email_domain: 'example.org' };
  assert.equal((await post({ id: 'acct_a', tier: 'email', signup })).status, 201);
  assert.equal((await post({ id: 'acct_b' })).status, 201);
  assert.deepEqual(created[0], { ...signup, account_id: 'acct_a', org_id: null, verification: 'email' });
  assert.equal((created[1] as { account_id: string }).account_id, 'acct_b');
  assert.match((created[1] as { created_at: string }).created_at, /^\d{4}-/, 'without sign-up details the store creation time is the age');

  const bad = await post({ id: 'acct_c', signup: { payment_fingerprint: 'card_1', shoe_size: 44 } });
  assert.equal(bad.status, 400, 'unknown sign-up fields are refused');
  const badIp = await post({ id: 'acct_c', signup: { signup_ip: '203.0.113' } });
  assert.equal(badIp.status, 400);
  const { error } = (await badIp.json()) as { error: { message: string; param: string | null } };
  assert.match(`${error.param} ${error.message}`, /signup\.signup_ip.*IPv4 or IPv6/);
  assert.equal(created.length, 2);
  assert.equal((await post({ id: 'acct_d', signup: { payment_fingerprint: null, email_domain: null } })).status, 201);

  // kept in the store: another process (a restarted gateway, `accounts export`) reads the same records
  const records = openAnother().accountRecords();
  assert.deepEqual(records.map((r) => r.account_id).sort(), ['acct_a', 'acct_b', 'acct_d'], 'nothing of the refused account');
  assert.deepEqual(records.find((r) => r.account_id === 'acct_a'), created[0]);
  assert.deepEqual(records.find((r) => r.account_id === 'acct_b'), created[1]);
  const withNulls = records.find((r) => r.account_id === 'acct_d')!;
  assert.deepEqual(Object.keys(withNulls).sort(), ['account_id', 'created_at', 'org_id', 'verification'], 'null details are not kept');
});
