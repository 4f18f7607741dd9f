// A batch of events as the queue hands it to its sinks and listeners: already formatted as JSON Lines.
// The queue formats each event when it is pushed and keeps only its line (plus the two fields in-process
// listeners read), not the event object: formatting a whole batch at once stalled the request thread for
// milliseconds, and the objects (each holding its request's parsed messages) lived long enough to be copied
// by every young-generation GC on the way.
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
  /** The events as JSON Lines: formatEventLine of each, in order, every line ending in '\n'. */
  readonly text: string;
  /** Account and time of each event, in the same order. */
  readonly requests: readonly BatchRequest[];
}

/** Collects formatted events into batches: one line and one small record per event. */
export class BatchBuilder {
  private text = '';
  private requests: BatchRequest[] = [];
  private bytes = 0;

  get length(): number {
    return this.requests.length;
  }

  /** UTF-16 code units of text collected so far (≈ bytes for the mostly-ASCII JSON of events). */
  get size(): number {
    return this.bytes;
  }

  add(event: LogEventV1): void {
    const line = formatEventLine(event) + '\n';
    // `+=` builds a rope; it is flattened once, when a sink or worker first reads the batch's text
    this.text += line;
    this.bytes += line.length;
    this.requests.push({ account_id: event.account_id, ts: event.ts });
  }

  /** The batch collected so far; the builder starts empty again. */
  take(): EventBatch {
    const batch: EventBatch = { length: this.requests.length, text: this.text, requests: this.requests };
    this.text = '';
    this.requests = [];
    this.bytes = 0;
    return batch;
  }
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
  const text = batch.text;
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
