// Runs the streaming detector over log files (accounts first, then events in file order) and builds report v1.
// The loop pays one await per read chunk (about a megabyte of lines), not per event.
import { Detector } from '../detect/detector.ts';
import type { Decision, DetectorParams } from '../detect/types.ts';
import { ArrivalOrder, readAccounts, readEventChunksOfFiles, type LineRejection } from '../events/reader.ts';
import type { LogEventV1 } from '../events/types.ts';
import { eventFiles, naming } from './input-lines.ts';
import { startingDetector } from './state-detector.ts';
import { writeStateFile } from './state-file.ts';
import { buildReport, RejectionLog, type ReportV1 } from './report-v1.ts';

export interface AnalyzeLogOptions {
  /** the log, or several read one after the other (rotated files, oldest first) */
  eventsPath: string | readonly string[];
  accountsPath?: string;
  params?: DetectorParams;
  /** stop at the first bad line (throws InputLineError naming file, line and field) */
  strict?: boolean;
  /** progress through the events file, in (compressed) bytes */
  onProgress?: (bytesRead: number, totalBytes: number, events: number) => void;
  /** sees every event with the decisions it caused (e.g. eval's served-before-flagged tally) */
  onIngested?: (ev: LogEventV1, decisions: Decision[]) => void;
  /** report timestamp (defaults to now) */
  now?: Date;
  /** the engine's state: continued from when the file exists, written back before the final relink (state-file.ts) */
  statePath?: string;
}

export interface AnalyzeLogResult {
  report: ReportV1;
  detector: Detector;
}

export async function analyzeLog(o: AnalyzeLogOptions): Promise<AnalyzeLogResult> {
  const detector = startingDetector(o.statePath, o.params);
  const rejections = new RejectionLog();
  const strict = o.strict ?? false;

  let accountRecords: number | null = null;
  if (o.accountsPath) {
    const path = o.accountsPath;
    const onReject = (r: LineRejection) => rejections.add('accounts', r.lineNo, r.field, r.message);
    accountRecords = await naming(path, async () => {
      let n = 0;
      for await (const rec of readAccounts(path, { strict, onReject })) {
        detector.ingestAccount(rec);
        n++;
      }
      return n;
    });
  }

  let events = 0;
  const onProgress = o.onProgress;
  const onIngested = o.onIngested;
  const files = eventFiles(o.eventsPath);
  const order = new ArrivalOrder(detector.latestMs);
  const chunks = readEventChunksOfFiles(files, {
    strict,
    order,
    onReject: (r) => rejections.add('events', r.lineNo, r.field, r.message, r.path),
    onProgress: onProgress ? (read, total) => onProgress(read, total, events) : undefined,
  });
  await naming(files[0]!, async () => {
    for await (const chunk of chunks) {
      if (onIngested) {
        for (let i = 0; i < chunk.length; i++) onIngested(chunk[i]!, detector.ingest(chunk[i]!));
      } else {
        for (let i = 0; i < chunk.length; i++) detector.ingest(chunk[i]!);
      }
      events += chunk.length;
    }
  });
  // the state is the engine's before the final relink, which a run that went on would not have made here
  if (o.statePath) writeStateFile(o.statePath, detector.snapshot());
  // a last relink over the tail of the log (what an online run would do at its next link time)
  detector.flush();

  const report = buildReport({ generatedAt: o.now ?? new Date(), events, accountRecords, lateEvents: order.late, accountsWithoutRecord: detector.accountsWithoutRecord(), rejections, results: detector.results() });
  return { report, detector };
}
