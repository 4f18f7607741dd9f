// analyze's --state file: the engine's snapshot, so that a run over the next log continues where the last one
// stopped. JSON Lines: the head, then the parts of its long arrays (util/json-parts.ts), since one JSON string of
// a large state passes V8's string limit. Read line by line from the bytes for the same reason; written to a
// temporary file renamed over the old one, so an interrupted run leaves the previous state whole.
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, writeSync } from 'node:fs';
import { DetectorInputError } from '../detect/errors.ts';
import { appendPart, JsonPartError, splitLongArrays, type JsonPart } from '../util/json-parts.ts';

/** The state in `path`, or null when there is no such file (a first run). */
export function readStateFile(path: string): unknown {
  if (!existsSync(path)) return null;
  const bytes = readFileSync(path);
  let head: unknown = undefined;
  let lineNo = 0;
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(10, start);
    if (end === -1) end = bytes.length;
    lineNo++;
    const line = bytes.toString('utf8', start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new DetectorInputError(`--state ${path} line ${lineNo}: not JSON (${(err as Error).message}); not a state analyze wrote`);
    }
    if (head === undefined) head = value;
    else {
      try {
        appendPart(head, value as JsonPart);
      } catch (err) {
        if (err instanceof JsonPartError) throw new DetectorInputError(`--state ${path} line ${lineNo}: not a part of a state`);
        throw err;
      }
    }
  }
  if (head === undefined) throw new DetectorInputError(`--state ${path} is empty; delete it to start afresh`);
  return head;
}

/**
 * The time of the latest event of the state in `path` (its head's `latestMs`), or -Infinity when there is no
 * state: events before it are late (events/reader.ts ArrivalOrder), e.g. a log fed into the state twice. Reads the
 * head line only.
 */
export function stateLatestMs(path: string | undefined): number {
  if (!path || !existsSync(path)) return -Infinity;
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const nl = buf.subarray(0, n).indexOf(10);
      chunks.push(Buffer.from(buf.subarray(0, nl === -1 ? n : nl)));
      if (nl !== -1) break;
    }
    const head = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { latestMs?: unknown };
    return typeof head.latestMs === 'number' ? head.latestMs : -Infinity;
  } catch {
    return -Infinity; // not a state: restoring it says so
  } finally {
    closeSync(fd);
  }
}

/** Writes `state` to `path` (a temporary file first, then renamed over it). */
export function writeStateFile(path: string, state: unknown): void {
  const { head, parts } = splitLongArrays(state);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(head) + '\n');
    for (const part of parts) writeSync(fd, JSON.stringify(part) + '\n');
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

