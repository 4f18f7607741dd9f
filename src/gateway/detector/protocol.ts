// Messages between the gateway (main thread) and its detector worker.
import type { AccountRecordV1 } from '../../events/types.ts';
import type { Decision, DetectorParams } from '../../detect/types.ts';

export interface DetectorWorkerData {
  params: DetectorParams | null;
  /** null: no persistence (state lives only as long as the process) */
  dataDir: string | null;
  snapshotEveryEvents: number;
  snapshotEveryMs: number;
}

export type ToWorker =
  | { type: 'events'; /** JSON Lines in UTF-8, one event a line, in memory shared with the main thread */ bytes: Uint8Array; count: number }
  | { type: 'accounts'; records: AccountRecordV1[] }
  | { type: 'snapshot' }
  /** Re-emit the current verdict of every flagged account (e.g. when enforcement switches from shadow to enforce). */
  | { type: 'resend-flagged' }
  | { type: 'stop' };

export interface CampaignInfo {
  id: string;
  members: string[];
  evidence: { type: string; detail: string }[];
}

export type FromWorker =
  | { type: 'ready'; restoredEvents: number; replayedEvents: number; snapshotTs: string | null; /** why the latest snapshot was not used (state rebuilt from the stored events) */ snapshotRejected: string | null }
  | { type: 'processed'; count: number; lastTs: string; decisions: Decision[]; campaigns: CampaignInfo[] }
  | { type: 'snapshot-saved'; events: number; lastEventTs: string; bytes: number }
  | { type: 'stopped' }
  | { type: 'error'; message: string };
