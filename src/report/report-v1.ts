// Detection report v1 (specs/report-v1.md): what `analyze` writes and the console and intel exporter read.
// Built from the engine's results, validated before it is written, so a report on disk always has the shape
// the spec promises (a reader never has to second-guess a file distillguard wrote).
import { writeFileSync } from 'node:fs';
import type { AccountResult, CampaignResult, Verdict } from '../detect/types.ts';

export const REPORT_VERSION = 1;
/** How many rejected lines are quoted in `input.rejected_examples` (all of them are counted). */
export const MAX_REJECTED_EXAMPLES = 20;

/** A log line that was not valid log format v1. */
export interface RejectedExample {
  /** which input file the line came from (optional field added to the spec's example) */
  file: 'events' | 'accounts';
  /** 1-based line number in the (decompressed) file */
  line: number;
  /** the offending field, null when the line is not JSON at all */
  field: string | null;
  message: string;
  /** the events file, when analyze read several (optional field) */
  path?: string;
}

export interface ReportInputV1 {
  /** valid events read */
  events: number;
  /** distinct accounts seen in the events (each has one entry in `accounts`) */
  accounts: number;
  /** lines rejected, in both files */
  rejected: number;
  rejected_examples: RejectedExample[];
  /** records read from accounts.jsonl (optional field; absent when no accounts file was given) */
  account_records?: number;
  /** events more than an hour older than an event read before them (optional field; absent when none) */
  late_events?: number;
  /** accounts in the events that no record of accounts.jsonl describes (optional field; absent when none) */
  accounts_without_record?: number;
}

export interface ReportV1 {
  version: 1;
  generated_at: string;
  input: ReportInputV1;
  accounts: AccountResult[];
  campaigns: CampaignResult[];
}

/** A value that is not a report v1; `path` points at the offending part (e.g. `accounts[3].risk`). */
export class ReportValidationError extends Error {
  readonly code = 'DG_ERR_REPORT_INVALID';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`report v1: ${path}: ${message}`);
    this.name = 'ReportValidationError';
  }
}

/** Collects rejected lines: counts every one, keeps the first MAX_REJECTED_EXAMPLES. */
export class RejectionLog {
  count = 0;
  readonly examples: RejectedExample[] = [];
  add(file: RejectedExample['file'], line: number, field: string | null, message: string, path?: string): void {
    this.count++;
    if (this.examples.length < MAX_REJECTED_EXAMPLES) this.examples.push(path === undefined ? { file, line, field, message } : { file, line, field, message, path });
  }
}

export interface BuildReportInput {
  generatedAt: Date;
  events: number;
  accountRecords: number | null;
  /** events that arrived late (events/reader.ts ArrivalOrder) */
  lateEvents?: number;
  /** accounts no record described (Detector.accountsWithoutRecord) */
  accountsWithoutRecord?: number;
  rejections: RejectionLog;
  results: { accounts: AccountResult[]; campaigns: CampaignResult[] };
}

/** Assembles and validates a report v1. */
export function buildReport(b: BuildReportInput): ReportV1 {
  const input: ReportInputV1 = {
    events: b.events,
    accounts: b.results.accounts.length,
    rejected: b.rejections.count,
    rejected_examples: b.rejections.examples,
  };
  if (b.accountRecords !== null) input.account_records = b.accountRecords;
  if (b.lateEvents) input.late_events = b.lateEvents;
  if (b.accountsWithoutRecord) input.accounts_without_record = b.accountsWithoutRecord;
  return validateReport({
    version: REPORT_VERSION,
    generated_at: b.generatedAt.toISOString(),
    input,
    accounts: b.results.accounts,
    campaigns: b.results.campaigns,
  });
}

/** Writes the report as JSON (one line per account and campaign keeps big files diffable and greppable). */
export function writeReport(path: string, report: ReportV1): void {
  writeFileSync(path, serializeReport(report));
}

export function serializeReport(r: ReportV1): string {
  const parts: string[] = [];
  parts.push(`{"version":${r.version},"generated_at":${JSON.stringify(r.generated_at)},\n"input":${JSON.stringify(r.input)},\n"accounts":[`);
  parts.push(r.accounts.map((a) => JSON.stringify(a)).join(',\n'));
  parts.push('],\n"campaigns":[');
  parts.push(r.campaigns.map((c) => JSON.stringify(c)).join(',\n'));
  parts.push(']}\n');
  return parts.join('\n');
}

// ── validation ───────────────────────────────────────────────────────────────────────────────────

const VERDICTS: ReadonlySet<string> = new Set<Verdict>(['benign', 'suspicious', 'distillation', 'extraction', 'jailbreak']);
const FLAGGED: ReadonlySet<string> = new Set(['distillation', 'extraction', 'jailbreak']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type Obj = Record<string, unknown>;

function fail(path: string, message: string): never {
  throw new ReportValidationError(path, message);
}
function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object');
  return v as Obj;
}
function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'expected an array');
  return v;
}
function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0) fail(path, 'expected a non-empty string');
  return v;
}
function count(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(path, 'expected a non-negative integer');
  return v;
}
function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'expected a finite number');
  return v;
}
function unit(v: unknown, path: string): number {
  const n = num(v, path);
  if (n < 0 || n > 1) fail(path, `expected a number in [0, 1], got ${n}`);
  return n;
}
function timestamp(v: unknown, path: string): string {
  if (typeof v !== 'string' || !RFC3339.test(v) || Number.isNaN(Date.parse(v))) fail(path, 'expected an RFC 3339 timestamp');
  return v;
}
function nullable<T>(v: unknown, path: string, check: (v: unknown, path: string) => T): T | null {
  return v === null ? null : check(v, path);
}

/** Checks that `value` is a report v1 (per specs/report-v1.md) and returns it typed; throws ReportValidationError. */
export function validateReport(value: unknown): ReportV1 {
  const r = obj(value, '(top level)');
  if (r.version !== REPORT_VERSION) fail('version', `expected ${REPORT_VERSION}`);
  timestamp(r.generated_at, 'generated_at');

  const input = obj(r.input, 'input');
  count(input.events, 'input.events');
  const accountsSeen = count(input.accounts, 'input.accounts');
  const rejected = count(input.rejected, 'input.rejected');
  const examples = arr(input.rejected_examples, 'input.rejected_examples');
  if (examples.length > rejected) fail('input.rejected_examples', 'more examples than rejected lines');
  examples.forEach((e, i) => {
    const p = `input.rejected_examples[${i}]`;
    const ex = obj(e, p);
    count(ex.line, `${p}.line`);
    nullable(ex.field, `${p}.field`, str);
    str(ex.message, `${p}.message`);
    if (ex.path !== undefined) str(ex.path, `${p}.path`);
  });
  if (input.account_records !== undefined) count(input.account_records, 'input.account_records');
  if (input.late_events !== undefined) count(input.late_events, 'input.late_events');
  if (input.accounts_without_record !== undefined) count(input.accounts_without_record, 'input.accounts_without_record');

  const accounts = arr(r.accounts, 'accounts');
  if (accounts.length !== accountsSeen) fail('input.accounts', `says ${accountsSeen} but accounts has ${accounts.length} entries`);
  const seen = new Map<string, string | null>();
  accounts.forEach((a, i) => {
    const p = `accounts[${i}]`;
    const acc = obj(a, p);
    const id = str(acc.account_id, `${p}.account_id`);
    if (seen.has(id)) fail(`${p}.account_id`, `account ${JSON.stringify(id)} appears more than once`);
    const verdict = str(acc.verdict, `${p}.verdict`);
    if (!VERDICTS.has(verdict)) fail(`${p}.verdict`, `unknown verdict ${JSON.stringify(verdict)}`);
    unit(acc.risk, `${p}.risk`);
    const campaign = nullable(acc.campaign_id, `${p}.campaign_id`, str);
    seen.set(id, campaign);
    const flaggedAt = nullable(acc.first_flagged_at, `${p}.first_flagged_at`, timestamp);
    if (FLAGGED.has(verdict) && flaggedAt === null) fail(`${p}.first_flagged_at`, `a ${verdict} verdict needs first_flagged_at`);
    arr(acc.signals, `${p}.signals`).forEach((s, j) => {
      const sp = `${p}.signals[${j}]`;
      const sig = obj(s, sp);
      str(sig.name, `${sp}.name`);
      num(sig.value, `${sp}.value`);
      num(sig.contribution, `${sp}.contribution`);
    });
  });

  const campaignIds = new Set<string>();
  arr(r.campaigns, 'campaigns').forEach((c, i) => {
    const p = `campaigns[${i}]`;
    const camp = obj(c, p);
    const id = str(camp.campaign_id, `${p}.campaign_id`);
    if (campaignIds.has(id)) fail(`${p}.campaign_id`, `campaign ${JSON.stringify(id)} appears more than once`);
    campaignIds.add(id);
    const kind = str(camp.kind, `${p}.kind`);
    if (!FLAGGED.has(kind)) fail(`${p}.kind`, `expected distillation, extraction or jailbreak, got ${JSON.stringify(kind)}`);
    const members = arr(camp.accounts, `${p}.accounts`);
    if (members.length === 0) fail(`${p}.accounts`, 'a campaign needs members');
    members.forEach((m, j) => {
      const mp = `${p}.accounts[${j}]`;
      const member = str(m, mp);
      if (!seen.has(member)) fail(mp, `account ${JSON.stringify(member)} is not in accounts`);
      if (seen.get(member) !== id) fail(mp, `account ${JSON.stringify(member)} has campaign_id ${JSON.stringify(seen.get(member))}`);
    });
    unit(camp.risk, `${p}.risk`);
    timestamp(camp.first_seen, `${p}.first_seen`);
    nullable(camp.first_flagged_at, `${p}.first_flagged_at`, timestamp);
    arr(camp.evidence, `${p}.evidence`).forEach((e, j) => {
      const ep = `${p}.evidence[${j}]`;
      const ev = obj(e, ep);
      str(ev.type, `${ep}.type`);
      str(ev.detail, `${ep}.detail`);
    });
  });
  for (const [id, campaign] of seen) {
    if (campaign !== null && !campaignIds.has(campaign)) fail('accounts', `account ${JSON.stringify(id)} names campaign ${JSON.stringify(campaign)}, which is not in campaigns`);
  }
  return value as ReportV1;
}
