// analyze's --state file: the engine's snapshot, so that a run over the next log continues where the last one
// stopped. JSON Lines: the head, then the parts of its long arrays (util/json-parts.ts), since one JSON string of
// a large state passes V8's string limit. Read line by line from the bytes for the same reason; written to a
// temporary file renamed over the old one, so an interrupted run leaves the previous state whole.
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { Detector } from '../detect/detector.ts';
import { DetectorInputError } from '../detect/errors.ts';
import type { DetectorParams } from '../detect/types.ts';
import { appendPart, splitLongArrays, type JsonPart } from '../util/json-parts.ts';

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
      const part = value as JsonPart;
      if (typeof part?.field !== 'string' || !Array.isArray(part.items)) throw new DetectorInputError(`--state ${path} line ${lineNo}: not a part of a state`);
      appendPart(head, part);
    }
  }
  if (head === undefined) throw new DetectorInputError(`--state ${path} is empty; delete it to start afresh`);
  return head;
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

/** The engine a run starts with: restored from `statePath` when that file exists, else a fresh one. */
export function startingDetector(statePath: string | undefined, params: DetectorParams | undefined): Detector {
  const state = statePath ? readStateFile(statePath) : null;
  if (state === null) return new Detector(params);
  try {
    return Detector.restore(state, params);
  } catch (err) {
    if (err instanceof DetectorInputError) throw new DetectorInputError(`--state ${statePath}: ${err.message}; not a state this version of analyze wrote`);
    throw err;
  }
}
