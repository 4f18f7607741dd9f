// The bounded, batched event queue between the gateway and its sinks.
// `push` is what the request path calls: an array push, no I/O, never a throw. The events pushed during one
// turn of the event loop are formatted together on the next (setImmediate): a few µs each, in slices of the
// few events each turn brings rather than a whole batch in one go (which stalled the request thread for
// milliseconds), and outside the requests' own turns (formatting within each request's turn measured ~10 µs
// more request-thread CPU per request). Only each line's bytes are kept, so the event objects and their
// requests' messages become garbage within a turn.
// A batch is complete at `batch_size` events or BATCH_TEXT_LIMIT bytes, whichever comes first; the size bound
// keeps the work each batch costs the request thread when it leaves (its bytes written to the JSONL file; the
// store's writer and the detector get them in shared memory, batch.ts) to a fraction of a millisecond.
// Complete batches leave in the turn that formats them, a partial one when an unref'd timer fires; each goes
// to every `onBatch` listener once, and to every sink in order. A sink that fails keeps its
// batches and gets them again at the next flush; until every sink has written a batch it counts toward
// `queue_max`, past which new events are dropped and counted rather than growing memory without bound.
import type { GatewayConfig } from '../config/schema.ts';
import { BatchBuilder, type EventBatch } from './batch.ts';
import type { EventSink } from './sink.ts';
import type { LogEventV1 } from './types.ts';

/**
 * Bytes of JSON Lines at which a batch is complete even below batch_size (≈ 150 bench events): writing it to the
 * JSONL file is the request thread's one sizeable cost per batch; smaller batches pay a batch's fixed cost
 * (a write, two messages and their replies) more often for little less stall.
 */
export const BATCH_TEXT_LIMIT = 128 * 1024;
/** A batch's buffer holds its limit and a last line of up to this many bytes without growing. */
const LAST_LINE_ROOM = 32 * 1024;

export type EventQueueSettings = Pick<GatewayConfig['events'], 'batch_size' | 'flush_interval_ms' | 'queue_max'>;
export type BatchListener = (batch: EventBatch) => void;

export interface EventQueueHooks {
  /**
   * A sink's write or close failed, a batch listener threw, or an event could not be formatted (it is dropped);
   * `source` is the sink's name, 'onBatch' or 'format'.
   */
  onError?: (error: unknown, source: string) => void;
  /** Sees every batch once, before the sinks write it (the detector subscribes here). */
  onBatch?: BatchListener;
  /** Attempts per failing sink during close() before its remaining events are given up (default 3). */
  closeAttempts?: number;
}

interface PendingBatch {
  readonly batch: EventBatch;
  /** sinks that have not written it yet */
  remaining: number;
  /** given up by some sink at close: counted as dropped, not written */
  abandoned: boolean;
}

interface SinkLane {
  readonly sink: EventSink;
  /** batches this sink still has to write, oldest first */
  readonly backlog: PendingBatch[];
  /** the sink's current asynchronous write, if any */
  inflight: Promise<void> | null;
}

export class EventQueue {
  private readonly lanes: SinkLane[];
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly queueMax: number;
  private readonly closeAttempts: number;
  private readonly onError: (error: unknown, source: string) => void;
  private readonly listeners = new Set<BatchListener>();
  /** events pushed since the last turn of the event loop, formatted on the next one (onFormat) */
  private unformatted: LogEventV1[] = [];
  private formatting: NodeJS.Immediate | null = null;
  /** the batch being filled */
  private building = new BatchBuilder(BATCH_TEXT_LIMIT + LAST_LINE_ROOM);
  /** complete batches waiting for the next turn of the event loop */
  private complete: EventBatch[] = [];
  /** events in `complete` */
  private completeCount = 0;
  /** events handed to sinks that not every sink has written yet */
  private held = 0;
  private writtenCount = 0;
  private droppedCount = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(sinks: readonly EventSink[], settings: EventQueueSettings, hooks: EventQueueHooks = {}) {
    this.lanes = sinks.map((sink) => ({ sink, backlog: [], inflight: null }));
    this.batchSize = settings.batch_size;
    this.flushIntervalMs = settings.flush_interval_ms;
    this.queueMax = settings.queue_max;
    this.closeAttempts = hooks.closeAttempts ?? 3;
    this.onError = hooks.onError ?? (() => {});
    if (hooks.onBatch) this.listeners.add(hooks.onBatch);
  }

  /** Events accepted and not yet written by every sink. */
  get depth(): number {
    return this.unformatted.length + this.building.length + this.completeCount + this.held;
  }

  /** Events refused because the queue was full or closed, plus any a failing sink still held at close. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Events written by every sink. */
  get written(): number {
    return this.writtenCount;
  }

  /** Adds a batch listener; returns the function that removes it. */
  subscribe(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Accepts an event for writing, or drops and counts it when the queue is full or closed. O(1), no I/O. */
  push(event: LogEventV1): void {
    if (this.closed || this.depth >= this.queueMax) {
      this.droppedCount++;
      return;
    }
    this.unformatted.push(event);
    if (this.formatting === null) this.formatting = setImmediate(this.onFormat);
  }

  private readonly onFormat = (): void => {
    this.formatting = null;
    this.formatPending();
    if (this.complete.length > 0) this.flushNow();
    else if (this.building.length > 0 && this.timer === null) this.scheduleTimer();
  };

  /** Formats the events pushed since the last turn into the batch being built, completing batches as they fill. */
  private formatPending(): void {
    if (this.formatting !== null) {
      clearImmediate(this.formatting);
      this.formatting = null;
    }
    const events = this.unformatted;
    if (events.length === 0) return;
    this.unformatted = [];
    for (const event of events) {
      try {
        this.building.add(event);
      } catch (err) {
        // not JSON-serialisable (cannot happen with events built from parsed requests): dropped, not thrown
        this.droppedCount++;
        this.onError(err, 'format');
        continue;
      }
      if (this.building.length >= this.batchSize || this.building.size >= BATCH_TEXT_LIMIT) {
        this.completeCount += this.building.length;
        this.complete.push(this.building.take());
      }
    }
  }

  /** Hands everything buffered to the sinks now and resolves once no sink is mid-write. */
  async flush(): Promise<void> {
    this.flushNow();
    await this.settle();
  }

  /**
   * Flushes every accepted event, retrying a failing sink a few times, then closes the sinks.
   * Events pushed from now on are dropped. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private readonly onTick = (): void => {
    this.flushNow();
  };

  private scheduleTimer(): void {
    this.timer = setTimeout(this.onTick, this.flushIntervalMs);
    // pending events must not keep a finished process alive; close() is what guarantees they are written
    this.timer.unref();
  }

  private flushNow(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.formatPending();
    this.dispatchBuffered();
    let retryLater = false;
    for (const lane of this.lanes) {
      this.drain(lane);
      if (lane.inflight === null && lane.backlog.length > 0) retryLater = true;
    }
    if (retryLater && !this.closed && this.timer === null) this.scheduleTimer();
  }

  private dispatchBuffered(): void {
    const batches = this.complete;
    if (this.building.length > 0) batches.push(this.building.take());
    if (batches.length === 0) return;
    this.complete = [];
    this.completeCount = 0;
    for (const batch of batches) this.dispatch(batch);
  }

  private dispatch(batch: EventBatch): void {
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch (err) {
        this.onError(err, 'onBatch');
      }
    }
    if (this.lanes.length === 0) {
      this.writtenCount += batch.length;
      return;
    }
    const pending: PendingBatch = { batch, remaining: this.lanes.length, abandoned: false };
    this.held += batch.length;
    for (const lane of this.lanes) lane.backlog.push(pending);
  }

  /** Writes a lane's backlog in order until it is empty, a write fails, or a write goes asynchronous. */
  private drain(lane: SinkLane): void {
    while (lane.inflight === null && lane.backlog.length > 0) {
      const pending = lane.backlog[0];
      let result: void | Promise<void>;
      try {
        result = lane.sink.write(pending.batch);
      } catch (err) {
        this.onError(err, lane.sink.name);
        return;
      }
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
        lane.inflight = (result as Promise<void>).then(
          () => {
            lane.inflight = null;
            this.completed(lane);
            this.drain(lane);
          },
          (err: unknown) => {
            lane.inflight = null;
            this.onError(err, lane.sink.name);
            if (!this.closed && this.timer === null) this.scheduleTimer();
          },
        );
        return;
      }
      this.completed(lane);
    }
  }

  private completed(lane: SinkLane): void {
    const batch = lane.backlog.shift()!;
    this.release(batch);
  }

  private release(pending: PendingBatch): void {
    if (--pending.remaining > 0) return;
    this.held -= pending.batch.length;
    if (!pending.abandoned) this.writtenCount += pending.batch.length;
  }

  /** Waits until no sink has a write in flight (chained asynchronous writes included). */
  private async settle(): Promise<void> {
    for (;;) {
      const inflight = this.lanes.filter((l) => l.inflight !== null).map((l) => l.inflight);
      if (inflight.length === 0) return;
      await Promise.all(inflight);
    }
  }

  private async shutdown(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      this.flushNow();
      await this.settle();
      if (this.lanes.every((l) => l.backlog.length === 0)) break;
      if (attempt + 1 >= this.closeAttempts) {
        this.abandonBacklogs();
        break;
      }
      // give a briefly failing sink (disk full, database busy) a moment before trying again
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.flushIntervalMs, 200)));
    }
    for (const lane of this.lanes) {
      try {
        await lane.sink.close();
      } catch (err) {
        this.onError(err, lane.sink.name);
      }
    }
  }

  private abandonBacklogs(): void {
    for (const lane of this.lanes) {
      for (const pending of lane.backlog) {
        if (!pending.abandoned) {
          pending.abandoned = true;
          this.droppedCount += pending.batch.length;
        }
        this.release(pending);
      }
      lane.backlog.length = 0;
    }
  }
}
