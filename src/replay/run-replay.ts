// Sends a request log through a running gateway (started with `serve --replay-mode`) as real HTTP requests, one per
// event, with each account's own key, in log order and with bounded concurrency, optionally paced so that
// `speed` seconds of log time pass per wall second. Counts what the gateway did to each request.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { readAccounts, readEvents } from '../events/reader.ts';
import { signupDetails, type LogEventV1 } from '../events/types.ts';
import { ReplayAdminClient, ReplayAdminError, type AccountSpec } from './admin-client.ts';
import { classifyOutcome, parseAction } from './outcomes.ts';
import { ACTION_HEADER, buildReplayRequest } from './request-builder.ts';
import { LeakRecorder, type LeakReport } from './leaks.ts';
import { ReplayTally, type AccountResult, type ReplayLabels, type ReplaySummary } from './tally.ts';

export const DEFAULT_CONCURRENCY = 16;
const MAX_ERROR_EXAMPLES = 5;
/** A wait for the detector gives up after this long (an event the gateway did not log would otherwise stall it). */
const DETECTOR_WAIT_TIMEOUT_MS = 10_000;

export interface ReplayOptions {
  eventsPath: string;
  accountsPath?: string;
  labels?: ReplayLabels | null;
  gatewayUrl: string;
  adminUrl: string;
  adminToken: string;
  /** Seconds of log time per wall second; null: as fast as the concurrency allows, still in log order. */
  speed?: number | null;
  concurrency?: number;
  /**
   * Log seconds the detector may lag behind: before a request is issued, the gateway's detector must have
   * processed (and enforcement applied) as many events as were issued up to this much log time earlier. Models a
   * deployment whose loop closes within this long, whatever the replay's wall speed. null: no waiting.
   */
  detectorLagSeconds?: number | null;
  /** Stop after this many events (a subset of a large log). */
  limit?: number;
  /** Called after each issued request with what has been read of the events file so far. */
  onProgress?: (progress: { sent: number; answered: number; bytesRead: number; totalBytes: number }) => void;
}

export interface ReplayReport {
  version: 1;
  gateway: string;
  /** The --speed used (null: as fast as possible). */
  speed: number | null;
  /** Log seconds replayed per wall second, as achieved. */
  effective_speed: number | null;
  concurrency: number;
  started_at: string;
  finished_at: string;
  /** Events sent as requests. */
  requests: number;
  /** Requests the gateway answered (any status); the rest failed in transport. */
  answered: number;
  transport_errors: number;
  transport_error_examples: string[];
  /** Events whose ts is earlier than the one before (sent in file order anyway). */
  out_of_order_events: number;
  rejected_lines: number;
  log_span: { first_ts: string | null; last_ts: string | null };
  /** The --detector-lag used (log seconds), null when the replay did not wait for the detector. */
  detector_lag_seconds: number | null;
  /** Waits for the detector: how many requests waited, wall seconds spent, and waits given up after the timeout. */
  detector_waits: { requests: number; wall_seconds: number; timeouts: number } | null;
  /** Where attacker reasoning after the first hour leaked (needs labels); see leaks.ts. */
  leaks: LeakReport | null;
  per_account: Record<string, AccountResult>;
  summary: ReplaySummary;
}

export async function runReplay(opts: ReplayOptions): Promise<ReplayReport> {
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const speed = opts.speed ?? null;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  if (speed !== null && !(speed > 0 && Number.isFinite(speed))) throw new RangeError(`speed must be a positive number, got ${speed}`);

  const accountSpecs = opts.accountsPath ? await loadAccountSpecs(opts.accountsPath) : new Map<string, AccountSpec>();
  const tally = new ReplayTally(opts.labels ?? null);
  const leaks = opts.labels ? new LeakRecorder(opts.labels) : null;
  const lagMs = opts.detectorLagSeconds == null ? null : opts.detectorLagSeconds * 1000;
  if (lagMs !== null && !(lagMs >= 0 && Number.isFinite(lagMs))) throw new RangeError(`detector lag must be a non-negative number, got ${opts.detectorLagSeconds}`);
  const admin = new ReplayAdminClient(opts.adminUrl, opts.adminToken);
  const gateway = new Pool(new URL(opts.gatewayUrl).origin, { connections: concurrency });
  const startedAt = new Date();
  const wallStart = performance.now();

  let sent = 0;
  let transportErrors = 0;
  const errorExamples: string[] = [];
  let outOfOrder = 0;
  let rejected = 0;
  let firstTsMs: number | null = null;
  let lastTsMs = -Infinity;
  let firstTs: string | null = null;
  let lastTs: string | null = null;
  let bytesRead = 0;
  let totalBytes = 0;
  let inFlight = 0;
  let wakeIssuer: (() => void) | null = null;
  // Detector pacing: log times of the events issued, and how many of them the detector has processed.
  const issuedTs: number[] = [];
  let dueIndex = 0;
  let processedBase: number | null = null;
  let processedSeen = 0;
  const waits = { requests: 0, wall_seconds: 0, timeouts: 0 };
  const waitForDetector = async (tsMs: number): Promise<void> => {
    while (dueIndex < issuedTs.length && issuedTs[dueIndex]! <= tsMs - lagMs!) dueIndex++;
    if (processedSeen >= dueIndex) return;
    const t0 = performance.now();
    waits.requests++;
    for (;;) {
      const processed = await admin.detectorProcessed();
      if (processed === null) throw new ReplayAdminError('the gateway runs no detector: --detector-lag needs one', null);
      processedBase ??= processed;
      processedSeen = processed - processedBase;
      if (processedSeen >= dueIndex) break;
      if (performance.now() - t0 > DETECTOR_WAIT_TIMEOUT_MS) {
        waits.timeouts++;
        break;
      }
      await sleep(2);
    }
    waits.wall_seconds += (performance.now() - t0) / 1000;
  };
  if (lagMs !== null) {
    processedBase = await admin.detectorProcessed();
    if (processedBase === null) throw new ReplayAdminError('the gateway runs no detector: --detector-lag needs one', null);
  }

  const send = async (event: LogEventV1, tsMs: number, secret: string): Promise<void> => {
    const req = buildReplayRequest(event, secret);
    try {
      const res = await gateway.request({ method: 'POST', path: req.path, headers: req.headers, body: req.body });
      // Drain the answer (JSON or SSE) so the connection goes back to the pool.
      for await (const _chunk of res.body);
      const action = parseAction(res.headers[ACTION_HEADER]);
      const outcome = classifyOutcome(res.statusCode, action);
      leaks?.record(event.account_id, tsMs, event.response.reasoning_tokens ?? 0, outcome === 'served_full');
      tally.record(event.account_id, event.ts, tsMs, {
        outcome,
        action,
        outputTokens: event.response.output_tokens ?? 0,
        reasoningTokens: event.response.reasoning_tokens ?? 0,
      });
    } catch (err) {
      transportErrors++;
      if (errorExamples.length < MAX_ERROR_EXAMPLES) errorExamples.push(`${event.request_id}: ${(err as Error).message}`);
    }
  };

  let leakReport: LeakReport | null = null;
  try {
    const events = readEvents(opts.eventsPath, {
      onReject: () => rejected++,
      onProgress: (read, total) => {
        bytesRead = read;
        totalBytes = total;
      },
    });
    for await (const event of events) {
      if (opts.limit !== undefined && sent >= opts.limit) break;
      const tsMs = Date.parse(event.ts);
      if (tsMs < lastTsMs) outOfOrder++;
      else {
        lastTsMs = tsMs;
        lastTs = event.ts;
      }
      if (firstTsMs === null) {
        firstTsMs = tsMs;
        firstTs = event.ts;
      }
      if (speed !== null) {
        const due = wallStart + (tsMs - firstTsMs) / speed;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
      }
      // Provisioning is awaited here, in log order, so a new account's first request is not overtaken by later ones.
      const secret = await admin.secretFor(event.account_id, accountSpecs.get(event.account_id) ?? specFromEvent(event));
      while (inFlight >= concurrency) await new Promise<void>((resolve) => (wakeIssuer = resolve));
      if (lagMs !== null) {
        await waitForDetector(tsMs);
        issuedTs.push(tsMs);
      }
      tally.noteIssued(event.account_id, tsMs);
      inFlight++;
      sent++;
      void send(event, tsMs, secret).finally(() => {
        inFlight--;
        const wake = wakeIssuer;
        wakeIssuer = null;
        wake?.();
      });
      opts.onProgress?.({ sent, answered: tally.answered, bytesRead, totalBytes });
    }
    while (inFlight > 0) await new Promise<void>((resolve) => (wakeIssuer = resolve));

    // A suspension can be set without any replayed request meeting it afterwards: read the final statuses too.
    const statuses = await admin.accountStatuses();
    for (const id of Object.keys(tally.perAccount())) if (statuses.get(id) === 'suspended') tally.markSuspended(id);
    if (leaks) leakReport = leaks.analyse(await admin.auditLog());
  } finally {
    await Promise.allSettled([gateway.close(), admin.close()]);
  }

  const wallSeconds = (performance.now() - wallStart) / 1000;
  const logSeconds = firstTsMs !== null && Number.isFinite(lastTsMs) ? (lastTsMs - firstTsMs) / 1000 : 0;
  return {
    version: 1,
    gateway: opts.gatewayUrl,
    speed,
    effective_speed: wallSeconds > 0 && logSeconds > 0 ? logSeconds / wallSeconds : null,
    concurrency,
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    requests: sent,
    answered: tally.answered,
    transport_errors: transportErrors,
    transport_error_examples: errorExamples,
    out_of_order_events: outOfOrder,
    rejected_lines: rejected,
    log_span: { first_ts: firstTs, last_ts: lastTs },
    detector_lag_seconds: opts.detectorLagSeconds ?? null,
    detector_waits: lagMs === null ? null : { ...waits, wall_seconds: Number(waits.wall_seconds.toFixed(3)) },
    leaks: leakReport,
    per_account: tally.perAccount(),
    summary: tally.summary(),
  };
}

async function loadAccountSpecs(path: string): Promise<Map<string, AccountSpec>> {
  const specs = new Map<string, AccountSpec>();
  for await (const a of readAccounts(path)) {
    specs.set(a.account_id, { orgId: a.org_id ?? null, tier: a.verification ?? 'none', signup: signupDetails(a) });
  }
  return specs;
}

function specFromEvent(event: LogEventV1): AccountSpec {
  return { orgId: event.org_id ?? null, tier: 'none' };
}
