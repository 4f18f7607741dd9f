// Starting and talking to analyze's engine thread (analyze-engine-worker.ts). Kept apart from the pipeline,
// with nothing but Node's own modules to load, so that `analyze` can start the thread before it loads the reader's modules:
// the thread then loads the detector's modules (a few hundred ms of CPU) while this one loads its own and
// reads the first chunks, instead of the reader waiting for it once its first chunks are ready.
//
// The engine thread's heap is bounded (resourceLimits) by a size derived from the number of account records,
// because its state grows with accounts, not events; an unbounded V8 heap lets garbage pile up to gigabytes
// on long logs.
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { DetectorInputError } from '../detect/errors.ts';
import type { PackedTexts } from '../detect/text/prepare.ts';
import type { AccountResult, CampaignResult, DetectorParams } from '../detect/types.ts';
import type { AccountRecordV1 } from '../events/types.ts';
import type { EncodedEvents } from './event-wire.ts';

export type EngineRequest =
  /** statePath: the engine state to continue from and write back (analyze --state) */
  | { type: 'params'; params: DetectorParams; statePath?: string }
  | { type: 'accounts'; records: AccountRecordV1[] }
  /** gate: whether the engine runs the literal gate on texts that arrive ungated */
  | { type: 'events'; events: EncodedEvents; texts: PackedTexts; gate: boolean }
  | { type: 'end' };

export type EngineReply =
  | { type: 'done'; results: { accounts: AccountResult[]; campaigns: CampaignResult[] }; accountsWithoutRecord: number }
  | { type: 'error'; name: string; message: string; stack: string };

type EngineDone = Extract<EngineReply, { type: 'done' }>;

/** Chunks (about 1 MB of log each) handed to the engine thread and not yet acknowledged. */
const MAX_IN_FLIGHT = 4;

/** Measured engine state is ~5.7 KB per account (docs/detector.md); the bound leaves ~1.75× that plus a base. */
const BOUND_BYTES_PER_ACCOUNT = 10 * 1024;
const BOUND_BASE_MB = 512;
/**
 * The engine thread's semi-space (V8's young generation is two of them plus a large-object space of the same
 * size). Each scavenge copies what is live of the young generation (the chunk being ingested, the state the
 * detector made since the last one: 1–5 MB on the bench log), so fewer scavenges cost less. A larger maximum alone is not enough: V8 starts the semi-space small and grows it only
 * while much survives, so the engine stayed near 8 MB (33 scavenges on the bench log); starting it at 32 MB
 * scavenges 12–13 times, about half the pause time, for no measurable peak RSS (trace-gc, docs/analyze.md).
 */
const ENGINE_SEMI_SPACE_MB = 32;

/** Whether the two-thread pipeline can help here (more than one core). */
export function pipelineUseful(): boolean {
  return availableParallelism() >= 2;
}

/**
 * The engine thread's heap bound for a log with `accountRecords` account records: a base plus a share per
 * account, at most half the machine's memory; null (V8's default) when the number of accounts is unknown.
 */
export function engineHeapLimitMb(accountRecords: number | null, machineBytes = totalmem()): number | null {
  if (accountRecords === null) return null;
  const mb = BOUND_BASE_MB + Math.ceil((accountRecords * BOUND_BYTES_PER_ACCOUNT) / 2 ** 20);
  return Math.min(mb, Math.max(BOUND_BASE_MB, Math.floor(machineBytes / 2 ** 21)));
}

/**
 * The non-empty lines of an accounts file (`.gz` decompressed), an upper bound on its records known before
 * they are parsed; null when the file cannot be read (the reader reports that, naming the line).
 */
export function countAccountLines(path: string): number | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
    if (path.endsWith('.gz')) bytes = gunzipSync(bytes);
  } catch {
    return null;
  }
  let lines = 0;
  let start = 0;
  for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, start)) {
    if (nl > start && !(nl === start + 1 && bytes[start] === 13)) lines++;
    start = nl + 1;
  }
  if (start < bytes.length) lines++;
  return lines;
}

/**
 * Starts the engine thread with its heap bound: `heapLimitMb` if given, else derived from the accounts file
 * (V8's default without one). The thread loads its modules and waits for the detector parameters.
 */
export function startEngineThread(o: { accountsPath?: string; heapLimitMb?: number }): EngineLink {
  const limit = o.heapLimitMb ?? engineHeapLimitMb(o.accountsPath ? countAccountLines(o.accountsPath) : null);
  const progress = new Int32Array(new SharedArrayBuffer(4));
  // resourceLimits sets no initial size; V8 reads the flag when it makes the thread's heap (flags are
  // process-wide, but isolates made earlier, this thread's among them, keep their sizes)
  setFlagsFromString(`--min-semi-space-size=${ENGINE_SEMI_SPACE_MB}`);
  const worker = spawn({
    workerData: { progress: progress.buffer },
    resourceLimits: { maxYoungGenerationSizeMb: 3 * ENGINE_SEMI_SPACE_MB, ...(limit === null ? {} : { maxOldGenerationSizeMb: limit }) },
  });
  return new EngineLink(worker, progress);
}

/** The built .js file, or under tsx (tests, scripts) the .ts source through tsx's loader. */
function spawn(options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./analyze-engine-worker.js', import.meta.url), options);
  const source = new URL('./analyze-engine-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/** The engine thread ran out of its heap bound. */
export class EngineOutOfMemory extends Error {}

/** Atomics.waitAsync (Node ≥ 16; not yet in this TypeScript lib). */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, ms: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

/**
 * The message link to the engine thread: bounded chunks in flight, its errors surfaced here. The engine counts
 * the chunks it has finished in shared memory, so this thread sees its progress without waiting for messages
 * (which it would only read between reads of the file).
 */
export class EngineLink {
  private sent = 0;
  private failure: Error | null = null;
  private waiter: (() => void) | null = null;
  private done: Omit<EngineDone, 'type'> | null = null;

  constructor(
    private readonly worker: Worker,
    private readonly progress: Int32Array,
  ) {
    worker.on('message', (m: EngineReply) => {
      if (m.type === 'done') this.done = { results: m.results, accountsWithoutRecord: m.accountsWithoutRecord };
      else this.fail(m.name === 'DetectorInputError' ? new DetectorInputError(m.message) : Object.assign(new Error(m.message), { name: m.name, stack: m.stack }));
      this.wake();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      this.fail(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new EngineOutOfMemory(err.message) : err);
      this.wake();
    });
    worker.on('exit', () => {
      if (this.done === null) this.fail(new Error('the analyze engine thread exited early'));
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

  /** Stops the thread (done or not). */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  /** Ends the run: the engine's results, and how many of its accounts no record described. */
  async finish(): Promise<Omit<EngineDone, 'type'>> {
    this.post({ type: 'end' });
    while (this.done === null && !this.failure) await this.wait();
    if (this.done === null) throw this.failure!;
    return this.done;
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

