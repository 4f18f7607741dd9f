import type { LogEventV1 } from './types.ts';

/** A destination for batches of events, written off the request path. */
export interface EventSink {
  readonly name: string;
  write(batch: LogEventV1[]): void | Promise<void>;
  close(): void | Promise<void>;
}
