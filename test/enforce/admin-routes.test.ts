import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Enforcer } from '../../src/enforce/enforcer.ts';
import { buildAdminServer } from '../../src/gateway/admin.ts';
import { registerEnforcementRoutes } from '../../src/gateway/admin-enforce.ts';
import { IdentityCache } from '../../src/identity/identity-cache.ts';
import { IdentityStore } from '../../src/identity/identity-store.ts';
import { openDatabase } from '../../src/store/sqlite.ts';
import { TEST_PEPPER } from '../identity/helpers.ts';
import { decision, enforcementConfig } from './helpers.ts';

const TOKEN = 'dga_test-admin-token';

async function startAdmin(t: { after(fn: () => Promise<void> | void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'dg-enforce-admin-'));
  const db = openDatabase(join(dir, 'distillguard.sqlite'));
  const store = new IdentityStore(db, TEST_PEPPER);
  const cache = new IdentityCache(store);
  cache.reload();
  const enforcer = new Enforcer({
    db,
    config: enforcementConfig({ mode: 'enforce' }),
    detectorVersion: '9.9.9',
    accountInfo: (id) => {
      const a = store.getAccount(id);
      return a ? { tier: a.tier, orgId: a.orgId } : null;
    },
  });
  const app = buildAdminServer({ store, cache, adminToken: TOKEN, extraRoutes: (a) => registerEnforcementRoutes(a, enforcer, { adminToken: TOKEN }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => {
    await app.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return {
    store,
    enforcer,
    async call(method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; json: any }> {
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, json: await res.json() };
    },
  };
}

test('enforcement routes require the admin token', async (t) => {
  const admin = await startAdmin(t);
  const routes: [string, string, unknown?][] = [
    ['GET', '/admin/actions'],
    ['GET', '/admin/actions/act_0000000000000000'],
    ['POST', '/admin/actions', { kind: 'suspend', target: { type: 'account', id: 'x' }, reason: 'r' }],
    ['POST', '/admin/actions/act_0000000000000000/undo', {}],
    ['GET', '/admin/audit'],
    ['GET', '/admin/audit/verify'],
    ['GET', '/admin/enforcement/mode'],
    ['POST', '/admin/enforcement/mode', { mode: 'shadow' }],
  ];
  for (const [method, path, body] of routes) {
    for (const token of [null, 'wrong']) {
      const res = await admin.call(method, path, body, token);
      assert.equal(res.status, 401, `${method} ${path} ${token}`);
      assert.equal(res.json.error.code, 'DG_ERR_ADMIN_UNAUTHORIZED');
    }
  }
  assert.equal(admin.enforcer.list().length, 0, 'nothing was created');
  assert.equal(admin.enforcer.mode, 'enforce', 'the mode did not change');
});

test('the review queue over HTTP: list pending, approve, undo, reject', async (t) => {
  const admin = await startAdmin(t);
  admin.store.createAccount({ id: 'verified', tier: 'id' });
  admin.store.createAccount({ id: 'corp', tier: 'org', orgId: 'acme' });
  const pending = admin.enforcer.onDecision(decision('verified', 'distillation', 0.999))!;
  const other = admin.enforcer.onDecision(decision('corp', 'distillation', 0.999))!;

  const queue = await admin.call('GET', '/admin/actions?status=pending_review');
  assert.equal(queue.status, 200);
  assert.deepEqual(queue.json.data.map((a: any) => a.id).sort(), [pending.id, other.id].sort());
  assert.equal((await admin.call('GET', '/admin/actions?account=corp')).json.data[0].id, other.id);

  const approved = await admin.call('POST', `/admin/actions/${pending.id}/approve`, { by: 'alice' });
  assert.equal(approved.status, 200);
  assert.equal(approved.json.status, 'active');
  assert.equal(admin.enforcer.enforcementFor('verified')?.kind, 'suspend');

  const undone = await admin.call('POST', `/admin/actions/${pending.id}/undo`, { by: 'alice', reason: 'appeal upheld' });
  assert.equal(undone.json.status, 'undone');
  assert.equal(undone.json.undone_by, 'analyst:alice');
  assert.equal(admin.enforcer.enforcementFor('verified'), null);

  const rejected = await admin.call('POST', `/admin/actions/${other.id}/reject`);
  assert.equal(rejected.status, 200, JSON.stringify(rejected.json));
  assert.equal(rejected.json.status, 'rejected');

  const again = await admin.call('POST', `/admin/actions/${other.id}/approve`, {});
  assert.equal(again.status, 409);
  assert.equal(again.json.error.param, 'id');
  const missing = await admin.call('GET', '/admin/actions/act_ffffffffffffffff');
  assert.equal(missing.status, 404);
});

test('manual actions are validated and created over HTTP', async (t) => {
  const admin = await startAdmin(t);
  const bad = await admin.call('POST', '/admin/actions', { kind: 'banish', target: { type: 'account', id: 'a' }, reason: 'r' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.param, 'kind');
  const extra = await admin.call('POST', '/admin/actions', { kind: 'suspend', target: { type: 'account', id: 'a' }, reason: 'r', color: 'red' });
  assert.equal(extra.json.error.param, 'color');
  const noMembers = await admin.call('POST', '/admin/actions', { kind: 'suspend', target: { type: 'campaign', id: 'c' }, reason: 'hydra' });
  assert.equal(noMembers.status, 400);
  assert.equal(noMembers.json.error.param, 'accounts');

  const created = await admin.call('POST', '/admin/actions', { kind: 'suspend', target: { type: 'campaign', id: 'c' }, reason: 'hydra', accounts: ['h1', 'h2'], by: 'erin' });
  assert.equal(created.status, 201);
  assert.equal(created.json.actor, 'analyst:erin');
  assert.deepEqual(created.json.accounts, ['h1', 'h2']);
  assert.equal(admin.enforcer.enforcementFor('h2')?.kind, 'suspend');
  assert.equal((await admin.call('GET', `/admin/actions/${created.json.id}`)).json.id, created.json.id);
});

test('mode and audit over HTTP: the change is recorded and the chain verifies', async (t) => {
  const admin = await startAdmin(t);
  assert.deepEqual((await admin.call('GET', '/admin/enforcement/mode')).json, { mode: 'enforce' });
  const set = await admin.call('POST', '/admin/enforcement/mode', { mode: 'shadow', by: 'carol' });
  assert.deepEqual(set.json, { mode: 'shadow' });
  const invalid = await admin.call('POST', '/admin/enforcement/mode', { mode: 'off' });
  assert.equal(invalid.json.error.param, 'mode');
  admin.enforcer.onDecision(decision('s1', 'jailbreak', 0.5));

  const audit = await admin.call('GET', '/admin/audit');
  assert.deepEqual(audit.json.data.map((e: any) => e.event), ['mode.change', 'action.create']);
  assert.equal(audit.json.data[0].actor, 'analyst:carol');
  assert.equal(audit.json.data[1].payload.detector_version, '9.9.9');
  assert.equal(audit.json.data[1].payload.shadow, true);
  assert.deepEqual((await admin.call('GET', '/admin/audit?since_seq=1')).json.data.map((e: any) => e.seq), [2]);
  assert.equal((await admin.call('GET', '/admin/audit?since_seq=-1')).json.error.param, 'since_seq');
  assert.deepEqual((await admin.call('GET', '/admin/audit/verify')).json, { ok: true, entries: 2 });
});
