// K-way merge of per-account event streams into one time-ordered stream with a binary min-heap: memory holds
// one pending event per account, never the whole log.
import type { Rng } from './rng.ts';
import type { TimedEvent } from './world.ts';
import type { LogEventV1 } from '../events/types.ts';

interface Head {
  /** Position in the written log: the arrival time plus, rarely, the writer's delay. */
  key: number;
  /** Tie-break by stream index keeps the order deterministic. */
  stream: number;
  event: LogEventV1;
  rest: Iterator<TimedEvent>;
}

function less(a: Head, b: Head): boolean {
  return a.key < b.key || (a.key === b.key && a.stream < b.stream);
}

/** Share of events written a little late, and by at most how much (the spec allows a few seconds of disorder). */
const LATE_SHARE = 0.02;
const MAX_LATE_MS = 1500;

export function* mergeStreams(streams: Iterator<TimedEvent>[], rng: Rng): Generator<LogEventV1> {
  const heap: Head[] = [];
  const lateness = () => (rng.chance(LATE_SHARE) ? rng.int(1, MAX_LATE_MS) : 0);
  const push = (h: Head) => {
    heap.push(h);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  };
  const siftDown = () => {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  streams.forEach((rest, stream) => {
    const first = rest.next();
    if (!first.done) push({ key: first.value.t + lateness(), stream, event: first.value.event, rest });
  });
  while (heap.length > 0) {
    const top = heap[0];
    yield top.event;
    const next = top.rest.next();
    if (next.done) {
      const last = heap.pop() as Head;
      if (heap.length > 0) {
        heap[0] = last;
        siftDown();
      }
    } else {
      top.key = next.value.t + lateness();
      top.event = next.value.event;
      siftDown();
    }
  }
}
