// The detector's worker thread: the pure streaming engine (src/detect) fed with the gateway's events, its
// decisions posted back. It restores the latest snapshot and replays the events stored since, so its state
// survives restarts; it snapshots every so many events or seconds.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Detector } from '../../detect/detector.ts';
import { DetectorInputError } from '../../detect/errors.ts';
import { isFlagged, type Decision, type DetectorParams } from '../../detect/types.ts';
import { batchText } from '../../events/batch.ts';
import { EVENTS_DB_FILE } from '../../events/sqlite-sink.ts';
import type { LogEventV1 } from '../../events/types.ts';
import type { CampaignInfo, DetectorWorkerData, FromWorker, ToWorker } from './protocol.ts';
import { SnapshotStore, type StoredSnapshot } from './snapshot-store.ts';
import { lowerThisThreadPriority } from '../../util/thread-priority.ts';

/** Request ids replayed from the store, remembered so the same events arriving live are not counted twice. */
const REPLAY_DEDUP_LIMIT = 1_000_000;

function campaignsOf(detector: Detector, decisions: Decision[]): CampaignInfo[] {
  const ids = new Set(decisions.map((d) => d.campaign_id).filter((id): id is string => id !== null));
  if (ids.size === 0) return [];
  const out: CampaignInfo[] = [];
  for (const c of detector.tracker.current) {
    if (!ids.has(c.id)) continue;
    out.push({ id: c.id, members: c.members.map((i) => detector.accounts[i]!.id), evidence: c.evidence });
  }
  return out;
}

/** Events in the store after `sinceTs` (the snapshot's last event), in time order. */
function* storedEventsSince(dataDir: string, sinceTs: string | null): Generator<LogEventV1> {
  const file = join(dataDir, EVENTS_DB_FILE);
  if (!existsSync(file)) return;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = sinceTs === null ? db.prepare('SELECT json FROM events ORDER BY ts').iterate() : db.prepare('SELECT json FROM events WHERE ts > ? ORDER BY ts').iterate(sinceTs);
    for (const row of rows as Iterable<{ json: string }>) yield JSON.parse(row.json) as LogEventV1;
  } finally {
    db.close();
  }
}

/**
 * The detector from the latest snapshot, or a fresh one when there is none or it no longer fits this engine
 * (a snapshot from another detector version): the fresh one is then rebuilt from every stored event.
 */
function restoreOrFresh(store: SnapshotStore | null, params: DetectorParams | undefined): { detector: Detector; stored: StoredSnapshot | null; snapshotRejected: string | null } {
  const stored = store?.latest() ?? null;
  if (!stored) return { detector: new Detector(params), stored: null, snapshotRejected: null };
  try {
    return { detector: Detector.restore(stored.state, params), stored, snapshotRejected: null };
  } catch (err) {
    if (!(err instanceof DetectorInputError)) throw err;
    return { detector: new Detector(params), stored: null, snapshotRejected: err.message };
  }
}

function run(data: DetectorWorkerData): void {
  const port = parentPort!;
  const post = (m: FromWorker) => port.postMessage(m);
  const store = data.dataDir ? new SnapshotStore(data.dataDir) : null;
  const params = data.params ?? undefined;
  const { detector, stored, snapshotRejected } = restoreOrFresh(store, params);
  let lastTs = stored?.lastEventTs ?? '';
  let sinceSnapshot = 0;
  let lastSnapshotAt = Date.now();

  const replayed = new Set<string>();
  let replayedCount = 0;
  if (data.dataDir) {
    const decisions: Decision[] = [];
    for (const ev of storedEventsSince(data.dataDir, stored?.lastEventTs ?? null)) {
      decisions.push(...detector.ingest(ev));
      if (replayed.size < REPLAY_DEDUP_LIMIT) replayed.add(ev.request_id);
      if (ev.ts > lastTs) lastTs = ev.ts;
      replayedCount++;
    }
    if (decisions.length > 0) post({ type: 'processed', count: 0, lastTs, decisions, campaigns: campaignsOf(detector, decisions) });
  }
  post({ type: 'ready', restoredEvents: stored?.events ?? 0, replayedEvents: replayedCount, snapshotTs: stored?.lastEventTs ?? null, snapshotRejected });

  const snapshot = () => {
    if (!store || detector.events === 0) return;
    const state = detector.snapshot();
    store.save({ takenAt: new Date().toISOString(), lastEventTs: lastTs, events: detector.events, state });
    sinceSnapshot = 0;
    lastSnapshotAt = Date.now();
    post({ type: 'snapshot-saved', events: detector.events, lastEventTs: lastTs, bytes: 0 });
  };

  port.on('message', (msg: ToWorker) => {
    try {
      if (msg.type === 'events') {
        const decisions: Decision[] = [];
        let start = 0;
        const text = batchText(msg.bytes);
        while (start < text.length) {
          let end = text.indexOf('\n', start);
          if (end < 0) end = text.length;
          if (end > start) {
            const ev = JSON.parse(text.slice(start, end)) as LogEventV1;
            if (replayed.size === 0 || !replayed.delete(ev.request_id)) {
              const d = detector.ingest(ev);
              if (d.length > 0) decisions.push(...d);
              if (ev.ts > lastTs) lastTs = ev.ts;
            }
          }
          start = end + 1;
        }
        sinceSnapshot += msg.count;
        post({ type: 'processed', count: msg.count, lastTs, decisions, campaigns: campaignsOf(detector, decisions) });
        if (sinceSnapshot >= data.snapshotEveryEvents || (sinceSnapshot > 0 && Date.now() - lastSnapshotAt >= data.snapshotEveryMs)) snapshot();
      } else if (msg.type === 'accounts') {
        for (const r of msg.records) detector.ingestAccount(r);
      } else if (msg.type === 'snapshot') {
        snapshot();
      } else if (msg.type === 'resend-flagged') {
        const decisions: Decision[] = detector
          .results()
          .accounts.filter((a) => isFlagged(a.verdict))
          .map((a) => ({ account_id: a.account_id, ts: lastTs, verdict: a.verdict, risk: a.risk, campaign_id: a.campaign_id, reason: 'current verdict, re-sent when enforcement was switched on' }));
        post({ type: 'processed', count: 0, lastTs, decisions, campaigns: campaignsOf(detector, decisions) });
      } else if (msg.type === 'stop') {
        snapshot();
        store?.close();
        post({ type: 'stopped' });
        port.close();
      }
    } catch (err) {
      post({ type: 'error', message: (err as Error).stack ?? String(err) });
    }
  });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'detector') {
  lowerThisThreadPriority();
  run((workerData as { data: DetectorWorkerData }).data);
}
