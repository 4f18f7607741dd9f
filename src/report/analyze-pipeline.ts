// analyze on two threads. This thread reads and parses the log and does each event's text work (scan windows,
// token hashes, MinHash signature, content patterns: src/detect/text/prepare.ts); the engine thread
// (analyze-engine-worker.ts) runs the Detector on the results in file order. Both halves cost about the same,
// so the two overlap. The engine is the same code fed the same numbers, so the report equals the single-thread
// one (test/report/analyze-pipeline.test.ts).
//
// The engine thread's heap is bounded (resourceLimits) by a size derived from the number of account records,
// because its state grows with accounts, not events; an unbounded V8 heap lets garbage pile up to gigabytes
// on long logs. Should the bound be too small (far more accounts in the events than in the records), the
// engine thread runs out of memory and the analysis is redone on one thread without a bound: slower, never a
// crash.
import { availableParallelism, totalmem } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { DetectorInputError } from '../detect/errors.ts';
import { defaultParams, validateParams } from '../detect/params.ts';
import { PARAMS_READ } from '../detect/signals/index.ts';
import { MinHasher } from '../detect/sketches/minhash.ts';
import { newPreparedText, prepareText, testUserPatterns, TextPacker, USER_PATTERNS } from '../detect/text/prepare.ts';
import type { AccountResult, CampaignResult } from '../detect/types.ts';
import { readAccounts, readEventChunks, type LineRejection } from '../events/reader.ts';
import type { AccountRecordV1 } from '../events/types.ts';
import { analyzeLog, naming, type AnalyzeLogOptions } from './analyze-log.ts';
import { encodeEvents, type EncodedEvents } from './event-wire.ts';
import { buildReport, RejectionLog, type ReportV1 } from './report-v1.ts';

export type EngineRequest =
  | { type: 'accounts'; records: AccountRecordV1[] }
  | { type: 'events'; events: EncodedEvents; scans: string[]; ints: Int32Array }
  | { type: 'end' };

export type EngineReply =
  | { type: 'done'; results: { accounts: AccountResult[]; campaigns: CampaignResult[] } }
  | { type: 'error'; name: string; message: string; stack: string };

export interface PipelinedOptions extends Omit<AnalyzeLogOptions, 'onIngested'> {
  /** old-generation bound of the engine thread in MB (default: engineHeapLimitMb of the account records) */
  heapLimitMb?: number;
}

export interface PipelinedResult {
  report: ReportV1;
  /** 'two-threads', or 'one-thread' when the engine thread hit its heap bound and the run was redone */
  mode: 'two-threads' | 'one-thread';
}

/** Chunks (about 1 MB of log each) handed to the engine thread and not yet acknowledged. */
const MAX_IN_FLIGHT = 4;
/** Measured engine state is ~5.7 KB per account (docs/detector.md); the bound leaves ~1.75× that plus a base. */
const BOUND_BYTES_PER_ACCOUNT = 10 * 1024;
const BOUND_BASE_MB = 512;
/**
 * The engine thread's young generation. Each scavenge copies the chunk being ingested (its strings and
 * rebuilt events, a few MB); V8's default, smaller space scavenges more often, and those copies cost the
 * engine thread ~0.1–0.2 s of CPU per 165k events that a larger space saves (trace-gc, docs/analyze.md).
 */
const ENGINE_YOUNG_GENERATION_MB = 64;

/**
 * The engine thread's heap bound for a log with `accountRecords` account records: a base plus a share per
 * account, at most half the machine's memory; null (V8's default) when the number of accounts is unknown.
 */
export function engineHeapLimitMb(accountRecords: number | null, machineBytes = totalmem()): number | null {
  if (accountRecords === null) return null;
  const mb = BOUND_BASE_MB + Math.ceil((accountRecords * BOUND_BYTES_PER_ACCOUNT) / 2 ** 20);
  return Math.min(mb, Math.max(BOUND_BASE_MB, Math.floor(machineBytes / 2 ** 21)));
}

/** Whether the two-thread pipeline can help here (more than one core). */
export function pipelineUseful(): boolean {
  return availableParallelism() >= 2;
}

/** Starts the engine thread: the built .js file, or under tsx (tests, scripts) the .ts source through tsx's loader. */
function startEngine(options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./analyze-engine-worker.js', import.meta.url), options);
  const source = new URL('./analyze-engine-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

class EngineOutOfMemory extends Error {}

/** Atomics.waitAsync (Node ≥ 16; not yet in this TypeScript lib). */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, ms: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

/** Runs the detector over log files like analyzeLog, on two threads; the report is the same. */
export async function analyzeLogPipelined(o: PipelinedOptions): Promise<PipelinedResult> {
  try {
    return { report: await runPipelined(o), mode: 'two-threads' };
  } catch (err) {
    if (!(err instanceof EngineOutOfMemory)) throw err;
    const { report } = await analyzeLog(o);
    return { report, mode: 'one-thread' };
  }
}

async function runPipelined(o: PipelinedOptions): Promise<ReportV1> {
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
  const limit = o.heapLimitMb ?? engineHeapLimitMb(accountRecords);

  const progress = new Int32Array(new SharedArrayBuffer(4));
  const worker = startEngine({
    workerData: { params, progress: progress.buffer },
    resourceLimits: { maxYoungGenerationSizeMb: ENGINE_YOUNG_GENERATION_MB, ...(limit === null ? {} : { maxOldGenerationSizeMb: limit }) },
  });
  const engine = new EngineLink(worker, progress);
  try {
    for (let i = 0; i < records.length; i += 10_000) engine.post({ type: 'accounts', records: records.slice(i, i + 10_000) });
    records.length = 0;

    let events = 0;
    const onProgress = o.onProgress;
    const chunks = readEventChunks(o.eventsPath, {
      strict,
      onReject: (r) => rejections.add('events', r.lineNo, r.field, r.message),
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
    await naming(o.eventsPath, async () => {
      for await (const chunk of chunks) {
        const scans: string[] = new Array<string>(2 * chunk.length);
        for (let i = 0; i < chunk.length; i++) {
          prepareText(chunk[i]!, params, hasher, text, false);
          if (level > 0) testUserPatterns(text, (1 << (level - 1)) - 1);
          packer.push(text);
          scans[2 * i] = text.userScan;
          scans[2 * i + 1] = text.systemScan;
        }
        const ints = packer.take();
        const wire = encodeEvents(chunk, PARAMS_READ);
        // copied, not transferred: the first detached ArrayBuffer of a thread invalidates a V8 protector and
        // sends every optimized function there that reads a typed array (token hashes, the literal gate,
        // MinHash…) back to be recompiled; copying ~0.5 MB per chunk costs less (docs/analyze.md)
        const waited = await engine.send({ type: 'events', events: wire, scans, ints });
        if (waited) level = Math.min(maxLevel, level + 1);
        else if (engine.inFlight() <= 1) level = Math.max(0, level - 1);
        events += chunk.length;
      }
    });
    const results = await engine.finish();
    return buildReport({ generatedAt: o.now ?? new Date(), events, accountRecords, rejections, results });
  } finally {
    await worker.terminate();
  }
}

/**
 * The message link to the engine thread: bounded chunks in flight, its errors surfaced here. The engine counts
 * the chunks it has finished in shared memory, so this thread sees its progress without waiting for messages
 * (which it would only read between reads of the file).
 */
class EngineLink {
  private sent = 0;
  private failure: Error | null = null;
  private waiter: (() => void) | null = null;
  private results: Extract<EngineReply, { type: 'done' }>['results'] | null = null;

  constructor(
    private readonly worker: Worker,
    private readonly progress: Int32Array,
  ) {
    worker.on('message', (m: EngineReply) => {
      if (m.type === 'done') this.results = m.results;
      else this.fail(m.name === 'DetectorInputError' ? new DetectorInputError(m.message) : Object.assign(new Error(m.message), { name: m.name, stack: m.stack }));
      this.wake();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      this.fail(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new EngineOutOfMemory(err.message) : err);
      this.wake();
    });
    worker.on('exit', () => {
      if (this.results === null) this.fail(new Error('the analyze engine thread exited early'));
      this.wake();
    });
  }

  post(m: EngineRequest): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(m);
  }

  /** Chunks sent and not yet finished by the engine. */
  inFlight(): number {
    return this.sent - Atomics.load(this.progress, 0);
  }

  /** Posts a chunk, first waiting until fewer than MAX_IN_FLIGHT are unfinished; true if it had to wait. */
  async send(m: EngineRequest): Promise<boolean> {
    let waited = false;
    for (let done = Atomics.load(this.progress, 0); this.sent - done >= MAX_IN_FLIGHT; done = Atomics.load(this.progress, 0)) {
      if (this.failure) throw this.failure;
      waited = true;
      // wakes when the engine finishes a chunk, or when it fails or exits (a pending waitAsync alone would not
      // keep the process alive once the engine thread is gone)
      const w = waitAsync(this.progress, 0, done, 1000);
      if (w.async) await Promise.race([w.value, this.wait()]);
    }
    this.post(m);
    this.sent++;
    return waited;
  }

  async finish(): Promise<Extract<EngineReply, { type: 'done' }>['results']> {
    this.post({ type: 'end' });
    while (this.results === null && !this.failure) await this.wait();
    if (this.results === null) throw this.failure!;
    return this.results;
  }

  private fail(err: Error): void {
    if (this.failure === null) this.failure = err;
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    if (w) w();
  }
}

