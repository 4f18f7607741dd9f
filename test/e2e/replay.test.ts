// End to end: a small simulated scenario replayed through a real gateway process (`serve --replay-mode`, enforce
// mode) by the real `distillguard replay` command; the outcomes it counts must agree with what the gateway logged.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEventV1 } from '../../src/events/types.ts';
import { ACTIONS } from '../../src/replay/outcomes.ts';
import type { ReplayReport } from '../../src/replay/run-replay.ts';
import { simulate } from '../../src/sim/simulate.ts';
import { writeSimulation } from '../../src/sim/writer.ts';

const ENTRY = join(import.meta.dirname, '..', 'cli', 'cli-entry.ts');
const LIMIT = 1200;

interface Banner {
  url: string;
  adminUrl: string;
  token: string;
}

let dir: string;
let gateway: ChildProcess;
let banner: Banner;

function startGateway(dataDir: string, configPath: string): Promise<{ child: ChildProcess; banner: Banner }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', '--port', '0', '--admin-port', '0', '--data-dir', dataDir, '--replay-mode', '--config', configPath, '--demo-delay-ms', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const url = /^distillguard gateway\s+(\S+)/m.exec(out)?.[1];
      const adminUrl = /^admin API\s+(\S+)/m.exec(out)?.[1];
      const token = /^admin token\s+(\S+)/m.exec(out)?.[1];
      if (url && adminUrl && token) resolve({ child, banner: { url, adminUrl, token } });
    });
    child.on('exit', (code) => reject(new Error(`gateway exited (${code}) before its banner:\n${out}\n${err}`)));
  });
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function stopGateway(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}

before(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'dg-replay-e2e-'));
  writeSimulation(join(dir, 'sim'), simulate({ scenario: 'small', seed: 7, scale: 0.25, days: 1, dataDir: null }));
  const configPath = join(dir, 'config.json');
  // Enforce mode, and loopback trusted so the gateway logs each event's own address from X-Forwarded-For.
  // A short flush interval keeps the waits for the detector (--detector-lag) short.
  writeFileSync(configPath, JSON.stringify({ enforcement: { mode: 'enforce' }, server: { trusted_proxies: ['127.0.0.1', '::1'] }, events: { flush_interval_ms: 5 } }));
  ({ child: gateway, banner } = await startGateway(join(dir, 'data'), configPath));
});

after(async () => {
  if (gateway) await stopGateway(gateway);
  rmSync(dir, { recursive: true, force: true });
});

test('replay sends every event through the gateway and counts outcomes that agree with the gateway log', async () => {
  const sim = join(dir, 'sim');
  const out = join(dir, 'replay.json');
  const html = join(dir, 'replay.html');
  const run = await runCli([
    'replay', '--events', join(sim, 'events.jsonl'), '--accounts', join(sim, 'accounts.jsonl'), '--labels', join(sim, 'labels.json'),
    '--gateway', banner.url, '--admin', banner.adminUrl, '--admin-token', banner.token, '--limit', String(LIMIT), '--out', out, '--html', html,
    '--detector-lag', '1',
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /targets:/);

  const report = JSON.parse(readFileSync(out, 'utf8')) as ReplayReport;
  const events = readJsonl<LogEventV1>(join(sim, 'events.jsonl')).slice(0, LIMIT);
  assert.equal(events.length, LIMIT, 'the scenario is large enough for the subset');

  // Shape and completeness.
  assert.equal(report.version, 1);
  assert.equal(report.gateway, banner.url);
  assert.equal(report.speed, null);
  assert.ok(Date.parse(report.finished_at) >= Date.parse(report.started_at));
  assert.equal(report.requests, LIMIT);
  assert.equal(report.answered, LIMIT);
  assert.equal(report.transport_errors, 0);
  assert.deepEqual(Object.keys(report.summary).sort(), ['attacker_reasoning_after_first_hour', 'benign', 'per_campaign', 'per_class', 'targets']);

  // Per account: every request is counted once, under one outcome and one action, and the logged tokens are all
  // either delivered or withheld.
  const byAccount = new Map<string, LogEventV1[]>();
  for (const e of events) byAccount.set(e.account_id, [...(byAccount.get(e.account_id) ?? []), e]);
  assert.deepEqual(Object.keys(report.per_account).sort(), [...byAccount.keys()].sort());
  const labels = JSON.parse(readFileSync(join(sim, 'labels.json'), 'utf8')) as { accounts: Record<string, { class: string }> };
  for (const [id, acc] of Object.entries(report.per_account)) {
    const mine = byAccount.get(id)!;
    assert.equal(acc.class, labels.accounts[id]!.class);
    assert.equal(acc.served_full + acc.degraded + acc.blocked, mine.length, id);
    assert.equal(ACTIONS.reduce((n, a) => n + acc.actions[a], 0), mine.length, id);
    assert.equal(acc.output_tokens_delivered + acc.output_tokens_withheld, mine.reduce((n, e) => n + (e.response.output_tokens ?? 0), 0), id);
    assert.equal(acc.reasoning_tokens_delivered + acc.reasoning_tokens_withheld, mine.reduce((n, e) => n + (e.response.reasoning_tokens ?? 0), 0), id);
    // A degraded answer is a 2xx that met a degrade; verify and suspend are always refusals.
    assert.ok(acc.degraded <= acc.actions.degrade, id);
    assert.ok(acc.blocked >= acc.actions.verify + acc.actions.suspend, id);
    assert.equal(acc.first_action_at === null, acc.actions.none === mine.length, id);
  }
  const perClassRequests = Object.values(report.summary.per_class).reduce((n, g) => n + g.requests, 0);
  assert.equal(perClassRequests, LIMIT);
  // The detector was held within 1 s of log time: every wait ended with the detector caught up.
  assert.equal(report.detector_lag_seconds, 1);
  assert.equal(report.detector_waits!.timeouts, 0);
  // The leak breakdown accounts for exactly the attacker reasoning after the first hour that was served in full.
  const after1h = report.summary.attacker_reasoning_after_first_hour!;
  const leaks = report.leaks!;
  assert.equal(leaks.totals.reasoning_total, after1h.total);
  assert.equal(leaks.totals.reasoning_withheld, after1h.withheld_or_degraded);
  assert.equal(Object.values(leaks.totals.leaked).reduce((n, v) => n + v, 0), after1h.total - after1h.withheld_or_degraded);
  const benign = report.summary.benign!;
  assert.equal(benign.requests, events.filter((e) => labels.accounts[e.account_id]!.class === 'benign').length);

  // The gateway logged each replayed request at its log time, with its account and address.
  await stopGateway(gateway);
  const logDir = join(dir, 'data', 'events');
  const logged = readdirSync(logDir).flatMap((f) => readJsonl<LogEventV1>(join(logDir, f)));
  const key = (e: LogEventV1) => `${e.account_id} ${e.ts} ${e.client.ip}`;
  assert.deepEqual(logged.map(key).sort(), events.map(key).sort());
  // Statuses in the gateway's log agree with the outcomes counted from its answers.
  const blockedLogged = new Map<string, number>();
  for (const e of logged) if (e.response.status < 200 || e.response.status >= 300) blockedLogged.set(e.account_id, (blockedLogged.get(e.account_id) ?? 0) + 1);
  for (const [id, acc] of Object.entries(report.per_account)) assert.equal(acc.blocked, blockedLogged.get(id) ?? 0, id);

  assert.match(readFileSync(html, 'utf8'), /<svg[^>]*class="chart"/);
});
