import type { EventBatch } from './batch.ts';

/** A destination for batches of events, written off the request path. */
export interface EventSink {
  readonly name: string;
  write(batch: EventBatch): void | Promise<void>;
  close(): void | Promise<void>;
}
