// The closed loop: the gateway's events reach the online detector, whose decisions act on the next requests;
// a crashed detector never fails a request; its state survives a restart.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const probe = (i: number) => ({
  model: 'demo-small',
  max_tokens: 1,
  logprobs: true,
  top_logprobs: 20,
  logit_bias: { [String(1000 + i)]: 100 },
  messages: [{ role: 'user', content: `Complete: the token after "${i} apples" is` }],
});

const post = (t: TestGateway, key: string, body: object) =>
  fetch(`${t.gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends extraction probes until the gateway refuses one (or gives up after `limit` requests). */
async function probeUntilRefused(t: TestGateway, key: string, limit = 200): Promise<{ sent: number; refusal: any | null }> {
  for (let i = 0; i < limit; i++) {
    const res = await post(t, key, probe(i));
    const body = (await res.json()) as any;
    if (res.status !== 200) return { sent: i + 1, refusal: { status: res.status, body } };
    await sleep(50);
  }
  return { sent: limit, refusal: null };
}

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, tries = 100): Promise<T> {
  let v = await read();
  for (let i = 0; i < tries && !ok(v); i++) {
    await sleep(100);
    v = await read();
  }
  return v;
}

describe('online detection and enforcement', () => {
  test('in enforce mode an extraction prober is told to verify after the detector flags it', async () => {
    // the rule under test is explicit: with the fitted detector a prober's risk passes the default suspend
    // rule's min_risk within a few requests, and suspending an `id`-tier account waits for review
    const rules = [{ verdict: 'extraction', min_risk: 0, action: 'verify' }];
    const t = await startTestGateway({ config: { enforcement: { mode: 'enforce', rules, verification_url: 'https://verify.example.com/start' } } });
    try {
      const { sent, refusal } = await probeUntilRefused(t, t.keyFor('acct_prober', 'id'));
      assert.ok(refusal, 'the prober was stopped');
      assert.equal(refusal.status, 403);
      assert.equal(refusal.body.error.code, 'DG_ERR_VERIFICATION_REQUIRED');
      assert.match(refusal.body.error.message, /verify\.example\.com/);
      assert.ok(sent < 200);
      const actions = t.gw.enforcer.list({ accountId: 'acct_prober' });
      assert.ok(actions.some((a) => a.kind === 'verify' && a.status === 'active' && a.verdict === 'extraction'));
      // a benign account on the same gateway is untouched
      const benign = await post(t, t.keyFor('acct_fine', 'id'), { model: 'demo-small', messages: [{ role: 'user', content: 'What is a good name for a cat?' }] });
      assert.equal(benign.status, 200);
    } finally {
      await t.close();
    }
  });

  test('a rule that waits for more requests counts the requests the gateway serves and then acts', async () => {
    const rules = [{ verdict: 'extraction', after_requests: 5, action: 'verify' }];
    const t = await startTestGateway({ config: { enforcement: { mode: 'enforce', rules } } });
    try {
      const { refusal } = await probeUntilRefused(t, t.keyFor('acct_patient', 'id'));
      assert.equal(refusal?.status, 403, 'the prober was stopped');
      const [action] = t.gw.enforcer.list({ accountId: 'acct_patient' });
      assert.equal(action?.kind, 'verify');
      const created = t.gw.enforcer.auditLog.list({ actionId: action!.id })[0]!;
      assert.equal(created.payload.waited_requests, 5, 'created once five more of its requests were served');
    } finally {
      await t.close();
    }
  });

  test('in shadow mode the decision is recorded but nothing changes for the caller', async () => {
    const t = await startTestGateway();
    try {
      const key = t.keyFor('acct_shadow', 'id');
      for (let i = 0; i < 20; i++) assert.equal((await post(t, key, probe(i))).status, 200);
      const actions = await waitFor(async () => t.gw.enforcer.list({ accountId: 'acct_shadow' }), (a) => a.length > 0);
      assert.ok(actions.length > 0, 'an action was recorded');
      assert.ok(actions.every((a) => a.shadow));
      assert.equal((await post(t, key, probe(99))).status, 200);
    } finally {
      await t.close();
    }
  });

  test('a crashed detector never fails a request, is restarted, and /readyz reports it', async () => {
    const t = await startTestGateway({ config: { events: { sqlite: true } } });
    try {
      const key = t.keyFor('acct_crash', 'org');
      const ask = { model: 'demo-small', messages: [{ role: 'user', content: 'hello' }] };
      assert.equal((await post(t, key, ask)).status, 200);
      await t.gw.detector!.crashForTest();
      for (let i = 0; i < 5; i++) assert.equal((await post(t, key, ask)).status, 200);
      const ready = await waitFor(
        async () => (await (await fetch(`${t.gw.url}/readyz`)).json()) as any,
        (r) => r.detector.restarts >= 1 && r.detector.state === 'running',
      );
      assert.equal(ready.status, 'ready');
      assert.ok(ready.detector.restarts >= 1);
      assert.equal(ready.detector.state, 'running');
      assert.ok(ready.detector.replayed_from_store >= 1, 'the restarted detector caught up from the event store');
      const metrics = await (await fetch(`${t.gw.adminUrl}/metrics`)).text();
      assert.match(metrics, /distillguard_detector_lag_events \d+/);
      assert.match(metrics, /distillguard_detector_restarts_total [1-9]/);
    } finally {
      await t.close();
    }
  });
});

/**
 * A gateway on a data dir that outlives it: the first run serves `questions` requests of one account and stops
 * (its detector snapshots on the way out); `between` may then change what is on disk; the second run's /readyz,
 * once its detector runs, goes to `check`.
 */
async function restartedDetector(questions: number, between: (dataDir: string) => void, check: (detector: any) => void): Promise<void> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { pino } = await import('pino');
  const { resolveConfig } = await import('../../src/config/load.ts');
  const { startGateway } = await import('../../src/gateway/runtime.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'dg-restart-'));
  const start = () =>
    startGateway({ config: resolveConfig({}), dataDir, host: '127.0.0.1', port: 0, adminPort: 0, upstream: null, log: pino({ level: 'silent' }) });
  try {
    const first = await start();
    first.store.createAccount({ id: 'acct_persist', tier: 'org' });
    const { secret } = first.store.createKey('acct_persist');
    first.cache.reload();
    for (let i = 0; i < questions; i++) {
      const res = await fetch(`${first.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo-small', messages: [{ role: 'user', content: `question ${i}` }] }),
      });
      await res.text();
    }
    await first.close();
    between(dataDir);
    const second = await start();
    try {
      const ready = await waitFor(async () => (await (await fetch(`${second.url}/readyz`)).json()) as any, (r) => r.detector.state === 'running');
      check(ready.detector);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('detector state survives a restart: the snapshot is restored and later events are replayed from the store', async () => {
  await restartedDetector(30, () => {}, (detector) => {
    assert.equal(detector.restored_from_snapshot, 30, 'the final snapshot held all 30 events');
    assert.equal(detector.replayed_from_store, 0, 'nothing newer than the snapshot to replay');
  });
});

test('a snapshot this detector version cannot use is set aside: the state is rebuilt from the stored events', async () => {
  const { join } = await import('node:path');
  const Database = (await import('better-sqlite3')).default;
  const { DETECTOR_DB_FILE } = await import('../../src/gateway/detector/snapshot-store.ts');
  // what an older engine would have left: per-account state of another size
  const shrinkCounters = (dataDir: string) => {
    const db = new Database(join(dataDir, DETECTOR_DB_FILE));
    const row = db.prepare('SELECT id, state FROM detector_snapshots ORDER BY id DESC LIMIT 1').get() as { id: number; state: string };
    const state = JSON.parse(row.state);
    state.accounts[0].counters = state.accounts[0].counters.slice(1);
    db.prepare('UPDATE detector_snapshots SET state = ? WHERE id = ?').run(JSON.stringify(state), row.id);
    db.close();
  };
  await restartedDetector(12, shrinkCounters, (detector) => {
    assert.equal(detector.restored_from_snapshot, 0, 'the unusable snapshot was not restored');
    assert.equal(detector.replayed_from_store, 12, 'every stored event was replayed instead');
  });
});

test('switching from shadow to enforce acts on accounts the detector already flags', async () => {
  // review only for tier org here, so the id-tier prober's suspension applies without an analyst
  const t = await startTestGateway({ config: { enforcement: { review_tiers: ['org'] } } });
  try {
    const key = t.keyFor('acct_switch', 'id');
    for (let i = 0; i < 20; i++) assert.equal((await post(t, key, probe(i))).status, 200);
    await waitFor(async () => t.gw.enforcer.list({ accountId: 'acct_switch' }), (a) => a.length > 0);
    t.gw.enforcer.setMode('enforce', 'alice');
    const res = await waitFor(
      async () => {
        const r = await post(t, key, { model: 'demo-small', messages: [{ role: 'user', content: 'hello' }] });
        await r.text();
        return r.status;
      },
      (status) => status === 403,
    );
    assert.equal(res, 403);
    assert.ok(t.gw.enforcer.list({ accountId: 'acct_switch' }).some((a) => !a.shadow && a.status === 'active'));
  } finally {
    await t.close();
  }
});

test('serve --no-detector runs without the online detector and says so on /readyz', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { pino } = await import('pino');
  const { resolveConfig } = await import('../../src/config/load.ts');
  const { startGateway } = await import('../../src/gateway/runtime.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'dg-nodet-'));
  const gw = await startGateway({ config: resolveConfig({}), dataDir, host: '127.0.0.1', port: 0, adminPort: 0, upstream: null, detector: false, log: pino({ level: 'silent' }) });
  try {
    const ready = (await (await fetch(`${gw.url}/readyz`)).json()) as any;
    assert.equal(ready.detector.state, 'off');
    assert.equal(gw.detector, null);
  } finally {
    await gw.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
