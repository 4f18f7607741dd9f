// Background threads (the event store's writer, the online detector) give way to the thread that serves
// requests: on a busy 2-core machine their batches otherwise run between a request's bytes and show up in its
// latency. Nothing waits on them, so running them a little later costs nothing but lag, which is reported.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Niceness for background threads: below the request thread, above anything niced further by the operator. */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the scheduling priority of the calling thread only (Linux keeps a nice value per thread; the thread
 * is named by its id from /proc/thread-self). Best effort: false where that is not possible.
 */
export function lowerThisThreadPriority(nice = BACKGROUND_NICE): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isSafeInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
