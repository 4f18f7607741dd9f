import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport, MAX_REJECTED_EXAMPLES, RejectionLog, ReportValidationError, validateReport, writeReport } from '../../src/report/report-v1.ts';
import type { AccountResult, CampaignResult } from '../../src/detect/types.ts';

function account(id: string, over: Partial<AccountResult> = {}): AccountResult {
  return { account_id: id, verdict: 'benign', risk: 0.1, campaign_id: null, first_flagged_at: null, signals: [{ name: 'volume_log', value: 0.2, contribution: 0.1 }], ...over };
}

function campaign(id: string, members: string[]): CampaignResult {
  return { campaign_id: id, kind: 'distillation', accounts: members, risk: 0.95, first_seen: '2026-10-01T00:00:05.423Z', first_flagged_at: '2026-10-01T02:58:10.002Z', evidence: [{ type: 'shared_payment_fingerprint', detail: 'pm_1 shared by 2 accounts' }] };
}

function sampleResults() {
  const flagged = { verdict: 'distillation' as const, risk: 0.97, campaign_id: 'camp_1', first_flagged_at: '2026-10-01T03:12:44.120Z' };
  return { accounts: [account('a1', flagged), account('a2', flagged), account('b1')], campaigns: [campaign('camp_1', ['a1', 'a2'])] };
}

test('buildReport writes the spec shape with input counts and rejected examples', () => {
  const rejections = new RejectionLog();
  rejections.add('events', 7, 'client.ip', 'client.ip: expected an IPv4 or IPv6 address');
  const r = buildReport({ generatedAt: new Date('2026-11-26T12:00:00Z'), events: 10, accountRecords: 3, rejections, results: sampleResults() });
  assert.equal(r.version, 1);
  assert.equal(r.generated_at, '2026-11-26T12:00:00.000Z');
  assert.deepEqual(r.input, {
    events: 10,
    accounts: 3,
    rejected: 1,
    rejected_examples: [{ file: 'events', line: 7, field: 'client.ip', message: 'client.ip: expected an IPv4 or IPv6 address' }],
    account_records: 3,
  });
});

test('the rejection log counts every bad line but keeps only the first examples', () => {
  const log = new RejectionLog();
  for (let i = 1; i <= 50; i++) log.add('events', i, null, 'not JSON');
  assert.equal(log.count, 50);
  assert.equal(log.examples.length, MAX_REJECTED_EXAMPLES);
  assert.equal(log.examples[0]!.line, 1);
});

test('a written report reads back as valid JSON equal to what was built', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-report-'));
  const r = buildReport({ generatedAt: new Date(), events: 10, accountRecords: null, rejections: new RejectionLog(), results: sampleResults() });
  writeReport(join(dir, 'report.json'), r);
  const back = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  assert.deepEqual(back, r);
  assert.equal('account_records' in back.input, false);
  validateReport(back);
});

test('validation rejects an account that appears twice', () => {
  const res = sampleResults();
  res.accounts.push(account('b1'));
  assert.throws(() => buildReport({ generatedAt: new Date(), events: 1, accountRecords: null, rejections: new RejectionLog(), results: res }), (e: unknown) => e instanceof ReportValidationError && /appears more than once/.test(e.message));
});

test('validation names the path of a bad value', () => {
  const bad = JSON.parse(JSON.stringify(buildReport({ generatedAt: new Date(), events: 1, accountRecords: null, rejections: new RejectionLog(), results: sampleResults() })));
  bad.accounts[1].risk = 1.5;
  assert.throws(() => validateReport(bad), (e: unknown) => e instanceof ReportValidationError && e.path === 'accounts[1].risk');
  bad.accounts[1].risk = 0.5;
  bad.accounts[2].verdict = 'evil';
  assert.throws(() => validateReport(bad), (e: unknown) => e instanceof ReportValidationError && e.path === 'accounts[2].verdict');
});

test('validation requires first_flagged_at on flagged accounts and consistent campaign membership', () => {
  const res = sampleResults();
  res.accounts[0]!.first_flagged_at = null;
  assert.throws(() => validateReport({ version: 1, generated_at: '2026-11-26T12:00:00.000Z', input: { events: 1, accounts: 3, rejected: 0, rejected_examples: [] }, ...res }), /first_flagged_at/);
  const res2 = sampleResults();
  res2.accounts[1]!.campaign_id = null;
  assert.throws(() => validateReport({ version: 1, generated_at: '2026-11-26T12:00:00.000Z', input: { events: 1, accounts: 3, rejected: 0, rejected_examples: [] }, ...res2 }), /campaigns\[0\]\.accounts\[1\]/);
  const res3 = sampleResults();
  res3.campaigns = [];
  assert.throws(() => validateReport({ version: 1, generated_at: '2026-11-26T12:00:00.000Z', input: { events: 1, accounts: 3, rejected: 0, rejected_examples: [] }, ...res3 }), /not in campaigns/);
});

test('validation rejects an input.accounts count that does not match the accounts list', () => {
  assert.throws(() => validateReport({ version: 1, generated_at: '2026-11-26T12:00:00.000Z', input: { events: 1, accounts: 2, rejected: 0, rejected_examples: [] }, ...sampleResults() }), /input\.accounts/);
});
