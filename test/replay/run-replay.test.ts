// runReplay against a real in-process gateway (replay mode, enforce mode, demo upstream, real SQLite).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { resolveConfig } from '../../src/config/load.ts';
import type { AccountRecordV1, LogEventV1 } from '../../src/events/types.ts';
import { startGateway, type RunningGateway } from '../../src/gateway/runtime.ts';
import { ReplayAdminError } from '../../src/replay/admin-client.ts';
import { runReplay } from '../../src/replay/run-replay.ts';
import type { ReplayLabels } from '../../src/replay/tally.ts';

const T0 = Date.parse('2026-10-01T00:00:00.000Z');
let dir: string;
let gw: RunningGateway;

function ev(i: number, account: string, endpoint: string, params: Record<string, unknown>): LogEventV1 {
  return {
    ts: new Date(T0 + i * 60_000).toISOString(),
    request_id: `req_${i}`,
    account_id: account,
    client: { ip: `198.51.100.${i % 250}`, user_agent: 'OpenAI/Python 1.59.7' },
    endpoint,
    model: 'frontier-mini',
    params,
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: `Question ${i}` }],
    response: { status: 200, output_tokens: 10 + i, reasoning_tokens: 100 },
  };
}

const accounts: AccountRecordV1[] = [
  { account_id: 'acct_ben', org_id: 'org_a', verification: 'email' },
  { account_id: 'acct_low', verification: 'none' },
  { account_id: 'acct_sus', verification: 'phone' },
];
const labels: ReplayLabels = {
  accounts: {
    acct_ben: { class: 'benign', persona: 'developer', campaign_id: null },
    acct_low: { class: 'benign', persona: 'student', campaign_id: null },
    acct_sus: { class: 'benign', persona: 'enterprise', campaign_id: null },
  },
  campaigns: {},
};

function writeLog(name: string, events: LogEventV1[]): string {
  const path = join(dir, name);
  writeFileSync(path, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return path;
}

before(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'dg-replay-'));
  writeFileSync(join(dir, 'accounts.jsonl'), accounts.map((a) => JSON.stringify(a)).join('\n') + '\n');
  gw = await startGateway({
    config: resolveConfig({ enforcement: { mode: 'enforce' }, server: { trusted_proxies: ['127.0.0.1', '::1'] }, events: { sqlite: false } }),
    dataDir: join(dir, 'data'),
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    upstream: null,
    demoChunkDelayMs: 0,
    replayMode: true,
    log: pino({ level: 'silent' }),
  });
});

after(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

function options(eventsPath: string) {
  return { eventsPath, accountsPath: join(dir, 'accounts.jsonl'), labels, gatewayUrl: gw.url, adminUrl: gw.adminUrl, adminToken: gw.adminToken };
}

test('accounts are created through the admin API with the tier and org of the accounts file', async () => {
  const path = writeLog('tiers.jsonl', [
    ev(0, 'acct_ben', '/v1/chat/completions', { max_tokens: 50 }),
    ev(1, 'acct_low', '/v1/messages', { max_tokens: 50 }),
    ev(2, 'acct_ben', '/v1/responses', { max_output_tokens: 50, stream: true }),
  ]);
  const report = await runReplay(options(path));
  assert.equal(report.requests, 3);
  assert.equal(report.answered, 3);
  assert.equal(gw.store.getAccount('acct_ben')!.tier, 'email');
  assert.equal(gw.store.getAccount('acct_ben')!.orgId, 'org_a');
  assert.equal(gw.store.getAccount('acct_low')!.tier, 'none');
  // Every dialect was answered 2xx and counted as served in full.
  assert.equal(report.per_account.acct_ben!.served_full, 2);
  assert.equal(report.per_account.acct_low!.served_full, 1);
  assert.equal(report.per_account.acct_ben!.output_tokens_delivered, 10 + 12);
});

test('a second replay against the same gateway reuses the existing accounts with fresh keys', async () => {
  const path = writeLog('again.jsonl', [ev(3, 'acct_ben', '/v1/chat/completions', { max_tokens: 50 })]);
  const report = await runReplay(options(path));
  assert.equal(report.per_account.acct_ben!.served_full, 1);
  assert.equal(gw.store.listKeys('acct_ben').length >= 2, true);
});

test('a request the tier gates refuse is blocked and its logged tokens withheld', async () => {
  const path = writeLog('gated.jsonl', [ev(4, 'acct_low', '/v1/chat/completions', { max_tokens: 50, logprobs: true, top_logprobs: 5 })]);
  const report = await runReplay(options(path));
  const low = report.per_account.acct_low!;
  assert.equal(low.blocked, 1);
  assert.equal(low.output_tokens_withheld, 14);
  assert.equal(low.reasoning_tokens_withheld, 100);
});

test('a benign account suspended at the gateway is reported against the target', async () => {
  const path = writeLog('suspended.jsonl', [ev(5, 'acct_sus', '/v1/chat/completions', { max_tokens: 50 }), ev(6, 'acct_sus', '/v1/chat/completions', { max_tokens: 50 })]);
  // Provisioned by a first replay, then suspended by an operator.
  await runReplay({ ...options(path), limit: 1 });
  gw.store.setStatus('acct_sus', 'suspended');
  gw.cache.reload();
  const report = await runReplay({ ...options(path), speed: 1e9 });
  assert.equal(report.speed, 1e9);
  assert.equal(report.per_account.acct_sus!.blocked, 2);
  assert.deepEqual(report.summary.benign!.suspended_account_ids, ['acct_sus']);
  assert.equal(report.summary.targets.benign_accounts_suspended.met, false);
});

test('a wrong admin token fails the replay with a typed error', async () => {
  const path = writeLog('token.jsonl', [ev(7, 'acct_new', '/v1/chat/completions', {})]);
  await assert.rejects(runReplay({ ...options(path), adminToken: 'wrong' }), (err: unknown) => err instanceof ReplayAdminError && err.status === 401);
});
