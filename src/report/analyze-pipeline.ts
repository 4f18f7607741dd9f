// analyze on two threads. This thread reads and parses the log and does each event's text work (scan windows,
// token hashes, MinHash signature, content patterns: src/detect/text/prepare.ts); the engine thread
// (analyze-engine-worker.ts) runs the Detector on the results in file order. Both halves cost about the same,
// so the two overlap. The engine is the same code fed the same numbers, so the report equals the single-thread
// one (test/report/analyze-pipeline.test.ts).
//
// The engine thread's heap is bounded (engine-thread.ts). Should the bound be too small (far more accounts in
// the events than in the records), the engine thread runs out of memory and the analysis is redone on one
// thread without a bound: slower, never a crash.
import { defaultParams, validateParams } from '../detect/params.ts';
import { PARAMS_READ } from '../detect/signals/index.ts';
import { MinHasher } from '../detect/sketches/minhash.ts';
import { newPreparedText, prepareText, testUserPatterns, TextPacker, USER_PATTERNS } from '../detect/text/prepare.ts';
import { ArrivalOrder, readAccounts, readEventChunksOfFiles, type LineRejection } from '../events/reader.ts';
import type { AccountRecordV1 } from '../events/types.ts';
import type { AnalyzeLogOptions } from './analyze-log.ts';
import { EngineOutOfMemory, startEngineThread, type EngineLink } from './engine-thread.ts';
import { encodeEvents } from './event-wire.ts';
import { eventFiles, naming } from './input-lines.ts';
import { buildReport, RejectionLog, type ReportV1 } from './report-v1.ts';
import { stateLatestMs } from './state-file.ts';

export interface PipelinedOptions extends Omit<AnalyzeLogOptions, 'onIngested'> {
  /** old-generation bound of the engine thread in MB (default: engineHeapLimitMb of the account records) */
  heapLimitMb?: number;
  /** an engine thread already started (startEngineThread) for this run; else one is started here */
  engine?: EngineLink;
}

export interface PipelinedResult {
  report: ReportV1;
  /** 'two-threads', or 'one-thread' when the engine thread hit its heap bound and the run was redone */
  mode: 'two-threads' | 'one-thread';
}

/** Runs the detector over log files like analyzeLog, on two threads; the report is the same. */
export async function analyzeLogPipelined(o: PipelinedOptions): Promise<PipelinedResult> {
  try {
    return { report: await runPipelined(o), mode: 'two-threads' };
  } catch (err) {
    if (!(err instanceof EngineOutOfMemory)) throw err;
    // loaded only now: this thread has no detector of its own otherwise
    const { analyzeLog } = await import('./analyze-log.ts');
    const { report } = await analyzeLog(o);
    return { report, mode: 'one-thread' };
  }
}

async function runPipelined(o: PipelinedOptions): Promise<ReportV1> {
  const engine = o.engine ?? startEngineThread(o);
  try {
    return await pipeline(o, engine);
  } finally {
    await engine.close();
  }
}

async function pipeline(o: PipelinedOptions, engine: EngineLink): Promise<ReportV1> {
  const params = validateParams(o.params ?? defaultParams());
  const hasher = new MinHasher(params.minhash.k, params.minhash.bands);
  const rejections = new RejectionLog();
  const strict = o.strict ?? false;

  const records: AccountRecordV1[] = [];
  if (o.accountsPath) {
    const path = o.accountsPath;
    const onReject = (r: LineRejection) => rejections.add('accounts', r.lineNo, r.field, r.message);
    await naming(path, async () => {
      for await (const rec of readAccounts(path, { strict, onReject })) records.push(rec);
    });
  }
  const accountRecords = o.accountsPath ? records.length : null;

  engine.post({ type: 'params', params, statePath: o.statePath });
  for (let i = 0; i < records.length; i += 10_000) engine.post({ type: 'accounts', records: records.slice(i, i + 10_000) });
  records.length = 0;

  let events = 0;
  const onProgress = o.onProgress;
  const files = eventFiles(o.eventsPath);
  const order = new ArrivalOrder(stateLatestMs(o.statePath));
  const chunks = readEventChunksOfFiles(files, {
    strict,
    order,
    onReject: (r) => rejections.add('events', r.lineNo, r.field, r.message, r.path),
    onProgress: onProgress ? (read, total) => onProgress(read, total, events) : undefined,
  });
  const text = newPreparedText(hasher.k);
  const packer = new TextPacker();
  // The content patterns are the part of the text work either thread can do: the literal gate, then the
  // regexes it leaves. At level 0 this thread does neither; at level l it runs the gate and tests the first
  // l - 1 patterns, leaving the rest to the engine. The level rises while this thread has to wait for the
  // engine and falls while the engine waits for chunks.
  const maxLevel = USER_PATTERNS.length + 1;
  let level = maxLevel;
  // The first chunk crosses with no pattern work at all, and the engine leaves its texts ungated: building the
  // literal gate takes this thread ~60-100 ms at start-up, while the engine thread, its modules loaded, has
  // nothing to do yet. The engine tests those texts' patterns when its signals ask, as without a gate.
  let first = true;
  await naming(files[0]!, async () => {
    for await (const chunk of chunks) {
      // the chunk's share of the pattern work, decided once per chunk (none: level 0, or the first chunk)
      const testsPatterns = level > 0 && !first;
      const mask = (1 << (level - 1)) - 1;
      for (let i = 0; i < chunk.length; i++) {
        prepareText(chunk[i]!, params, hasher, text, false);
        if (testsPatterns) testUserPatterns(text, mask);
        packer.push(text);
      }
      const wire = encodeEvents(chunk, PARAMS_READ);
      // copied, not transferred: the first detached ArrayBuffer of a thread invalidates a V8 protector and
      // sends every optimized function there that reads a typed array (token hashes, the literal gate,
      // MinHash…) back to be recompiled; copying ~0.5 MB per chunk costs less (docs/analyze.md)
      const waited = await engine.send({ type: 'events', events: wire, texts: packer.take(), gate: !first });
      first = false;
      if (waited) level = Math.min(maxLevel, level + 1);
      else if (engine.inFlight() <= 1) level = Math.max(0, level - 1);
      events += chunk.length;
    }
  });
  const { results, accountsWithoutRecord } = await engine.finish();
  return buildReport({ generatedAt: o.now ?? new Date(), events, accountRecords, lateEvents: order.late, accountsWithoutRecord, rejections, results });
}
