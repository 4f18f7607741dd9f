// A batch of events as the queue hands it to its sinks and listeners: already formatted as JSON Lines, in UTF-8
// in shared memory.
// The queue formats events a turn after they are pushed and keeps only each line's bytes (plus the two fields
// in-process listeners read), not the event object: formatting a whole batch at once stalled the request thread
// for milliseconds, and the objects (each holding its request's parsed messages) lived long enough to be copied
// by every young-generation GC on the way. The bytes live in a SharedArrayBuffer, outside V8's heap: the JSONL
// sink writes them as they are, and the SQLite writer and the detector (worker threads) receive the same memory
// rather than a copy each, so sending a batch costs the request thread almost nothing however large it is.
import { formatEventLine } from './jsonl-sink.ts';
import { parseEventLine } from './parse.ts';
import type { LogEventV1 } from './types.ts';

/** What in-process listeners read of each event without parsing its line. */
export interface BatchRequest {
  readonly account_id: string;
  readonly ts: string;
}

export interface EventBatch {
  /** Number of events. */
  readonly length: number;
  /** The events as JSON Lines in UTF-8: formatEventLine of each, in order, every line ending in '\n'. Not to be modified. */
  readonly bytes: Uint8Array;
  /** Account and time of each event, in the same order. */
  readonly requests: readonly BatchRequest[];
}

const NEWLINE = 0x0a;

/** Collects formatted events into batches: one line and one small record per event. */
export class BatchBuilder {
  private buffer: Buffer | null = null;
  private used = 0;
  private requests: BatchRequest[] = [];

  /** @param capacity bytes a batch's buffer starts with (it grows when the lines need more) */
  constructor(private readonly capacity = 16 * 1024) {}

  get length(): number {
    return this.requests.length;
  }

  /** Bytes of JSON Lines collected so far. */
  get size(): number {
    return this.used;
  }

  add(event: LogEventV1): void {
    const line = formatEventLine(event);
    // a UTF-16 code unit takes at most 3 bytes in UTF-8: only a line that might not fit is measured exactly
    if (this.buffer === null || this.used + line.length * 3 + 1 > this.buffer.length) this.reserve(Buffer.byteLength(line) + 1);
    const buffer = this.buffer!;
    this.used += buffer.write(line, this.used, 'utf8');
    buffer[this.used++] = NEWLINE;
    this.requests.push({ account_id: event.account_id, ts: event.ts });
  }

  /** The batch collected so far; the builder starts empty again. */
  take(): EventBatch {
    const bytes = this.buffer === null ? new Uint8Array(0) : new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.used);
    const batch: EventBatch = { length: this.requests.length, bytes, requests: this.requests };
    this.buffer = null;
    this.used = 0;
    this.requests = [];
    return batch;
  }

  /** Makes room for `needed` more bytes. */
  private reserve(needed: number): void {
    const current = this.buffer;
    if (current !== null && this.used + needed <= current.length) return;
    const capacity = Math.max(this.capacity, (current?.length ?? 0) * 2, this.used + needed);
    const grown = Buffer.from(new SharedArrayBuffer(capacity));
    if (current !== null) current.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}

/** A batch's JSON Lines as text (what the workers and tools read). */
export function batchText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** A batch of the given events (for callers that hold event objects, e.g. tests and tools). */
export function batchOf(events: readonly LogEventV1[]): EventBatch {
  const builder = new BatchBuilder();
  for (const e of events) builder.add(e);
  return builder.take();
}

/** The events of a batch, read back from its lines as the event readers do (for tests and tools). */
export function eventsOf(batch: EventBatch): LogEventV1[] {
  const out: LogEventV1[] = [];
  const text = batchText(batch.bytes);
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const parsed = parseEventLine(text.slice(start, end));
      if (!parsed.ok) throw new Error(`batch line ${out.length + 1}: ${parsed.message}`);
      out.push(parsed.event);
    }
    start = end + 1;
  }
  return out;
}
