// Streaming readers for JSON Lines files (`.jsonl`, `.jsonl.gz`) and log format v1 on top of them.
// Reads large chunks and splits on '\n' itself: readline costs several times more per line.
import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { parseAccountLine, parseEventLine, type ParseFailure } from './parse.ts';
import type { AccountRecordV1, LogEventV1 } from './types.ts';

export interface JsonlLine {
  /** 1-based physical line number in the (decompressed) file, empty lines included */
  lineNo: number;
  line: string;
}

export interface ReadJsonlOptions {
  /** Called after each chunk; for `.gz` files both numbers count compressed bytes; the total is 0 when unknown (stdin). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Force or forbid gunzip; by default files ending in `.gz` are decompressed. */
  gzip?: boolean;
  /** Bytes read per chunk from disk (default 1 MiB). */
  chunkBytes?: number;
  /** A line longer than this (in characters) is an error rather than a memory blow-up (default 64 Mi). */
  maxLineLength?: number;
}

/** A line of a log file that is not valid log format v1; `field` names the offending field (null: not JSON). */
export class LogParseError extends Error {
  readonly code = 'DG_ERR_LOG_PARSE';
  /** the file, when it was read as one of several (readEventChunksOfFiles) */
  path: string | undefined;
  constructor(
    readonly lineNo: number,
    readonly field: string | null,
    message: string,
  ) {
    super(`line ${lineNo}: ${message}`);
    this.name = 'LogParseError';
  }
}

export interface LineRejection {
  lineNo: number;
  field: string | null;
  message: string;
  /** the file, when it was read as one of several (readEventChunksOfFiles) */
  path?: string;
}

/**
 * How far back an event may be from the latest one read before it without counting as late: the gateway logs a
 * request when it ends, so its log runs a few minutes out of order; hours back means files read out of order.
 */
export const LATE_AFTER_MS = 60 * 60 * 1000;

/** Counts the events of a log that come more than LATE_AFTER_MS before the latest one read ahead of them. */
export class ArrivalOrder {
  late = 0;

  /** `latestMs`: the latest event time already seen (a state carried over from an earlier run) */
  constructor(private latestMs = -Infinity) {}

  see(tsMs: number): void {
    if (tsMs > this.latestMs) this.latestMs = tsMs;
    else if (this.latestMs - tsMs > LATE_AFTER_MS) this.late++;
  }
}

export interface ReadRecordsOptions extends ReadJsonlOptions {
  /** Throw a LogParseError at the first bad line instead of skipping it. */
  strict?: boolean;
  /** Called for each bad line that is skipped (not in strict mode). */
  onReject?: (rejection: LineRejection) => void;
  /** events only: counts those that arrive late (see ArrivalOrder) */
  order?: ArrivalOrder;
}

/** The path that names standard input (plain JSON lines: `zcat logs/*.gz | distillguard analyze --events -`). */
export const STDIN = '-';

/** The size of `path` in bytes, 0 for standard input (unknown). */
function sizeOf(path: string): number {
  return path === STDIN ? 0 : statSync(path).size;
}

function openSource(path: string, opts: ReadJsonlOptions): { raw: Readable; text: Readable; totalBytes: number } {
  const stdin = path === STDIN;
  const totalBytes = sizeOf(path);
  const raw: Readable = stdin ? process.stdin : createReadStream(path, { highWaterMark: opts.chunkBytes ?? 1024 * 1024 });
  const gzip = opts.gzip ?? (!stdin && path.endsWith('.gz'));
  if (!gzip) return { raw, text: raw, totalBytes };
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  raw.on('error', (err: Error) => gunzip.destroy(err));
  raw.pipe(gunzip);
  return { raw, text: gunzip, totalBytes };
}

/**
 * Yields the lines of a chunk array by array, so a consumer pays one await per chunk rather than per line.
 * Lines keep their numbers; empty lines (and a trailing '\r' of CRLF files) are dropped.
 *
 * Lines are split on the raw bytes ('\n' never occurs inside a multi-byte UTF-8 sequence) and each line is
 * decoded on its own. Decoding whole chunks instead costs several times more: one non-Latin-1 character
 * turns the chunk, and every line sliced from it, into a two-byte string that JSON.parse reads more slowly,
 * while an ASCII line decoded alone stays one-byte.
 */
export async function* readJsonlChunks(path: string, opts: ReadJsonlOptions = {}): AsyncGenerator<JsonlLine[]> {
  const { raw, text, totalBytes } = openSource(path, opts);
  const maxLineLength = opts.maxLineLength ?? 64 * 1024 * 1024;
  const onProgress = opts.onProgress;
  let bytesRead = 0;
  if (onProgress) raw.on('data', (chunk: Buffer) => (bytesRead += chunk.length));
  // The unfinished line at the end of the previous chunks, as byte pieces (joined once its '\n' arrives).
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let lineNo = 0;
  let atStart = true;
  try {
    for await (let chunk of gunzipErrorsAsParseErrors(text as AsyncIterable<Buffer>, () => lineNo + 1)) {
      if (atStart && chunk.length > 0) {
        if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
        atStart = false;
      }
      const lines: JsonlLine[] = [];
      let start = 0;
      let nl = chunk.indexOf(10);
      if (nl !== -1 && carryBytes > 0) {
        carry.push(chunk.subarray(0, nl));
        lineNo++;
        pushLine(lines, lineNo, Buffer.concat(carry, carryBytes + nl), 0, carryBytes + nl);
        carry = [];
        carryBytes = 0;
        start = nl + 1;
        nl = chunk.indexOf(10, start);
      }
      while (nl !== -1) {
        lineNo++;
        pushLine(lines, lineNo, chunk, start, nl);
        start = nl + 1;
        nl = chunk.indexOf(10, start);
      }
      if (start < chunk.length) {
        carry.push(chunk.subarray(start));
        carryBytes += chunk.length - start;
        // bytes >= characters: decode to count characters only once the bytes alone exceed the limit
        if (carryBytes > maxLineLength && Buffer.concat(carry, carryBytes).toString('utf8').length > maxLineLength) {
          throw new LogParseError(lineNo + 1, null, `line longer than ${maxLineLength} characters`);
        }
      }
      if (onProgress) onProgress(bytesRead, totalBytes);
      if (lines.length > 0) yield lines;
    }
    if (carryBytes > 0) {
      const lines: JsonlLine[] = [];
      pushLine(lines, lineNo + 1, Buffer.concat(carry, carryBytes), 0, carryBytes);
      if (lines.length > 0) yield lines;
    }
  } finally {
    raw.destroy();
    if (text !== raw) text.destroy();
  }
}

/** A corrupt or truncated .gz file surfaces as a LogParseError at the line where the readable data ends. */
async function* gunzipErrorsAsParseErrors(source: AsyncIterable<Buffer>, nextLineNo: () => number): AsyncGenerator<Buffer> {
  try {
    yield* source;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== undefined && code.startsWith('Z_')) {
      throw new LogParseError(nextLineNo(), null, `corrupt or truncated gzip data (${(err as Error).message})`);
    }
    throw err;
  }
}

/** Decodes bytes [start, end) of `bytes` as one line, unless it is empty or only whitespace. */
function pushLine(out: JsonlLine[], lineNo: number, bytes: Buffer, start: number, end: number): void {
  if (end > start && bytes[end - 1] === 13) end--;
  if (end === start) return;
  const text = bytes.toString('utf8', start, end);
  // skip whitespace-only lines without scanning long ones
  if (text.charCodeAt(0) <= 32 && text.trim().length === 0) return;
  out.push({ lineNo, line: text });
}

/** The non-empty lines of a `.jsonl` or `.jsonl.gz` file with their line numbers. */
export async function* readJsonl(path: string, opts: ReadJsonlOptions = {}): AsyncGenerator<JsonlLine> {
  for await (const lines of readJsonlChunks(path, opts)) yield* lines;
}

/** Parsed records of a JSON Lines file, chunk by chunk; bad lines are rejected or thrown as the options say. */
async function* readRecordChunks<R extends { ok: true }, T>(
  path: string,
  opts: ReadRecordsOptions,
  parse: (line: string) => R | ParseFailure,
  pick: (parsed: R) => T,
): AsyncGenerator<T[]> {
  for await (const lines of readJsonlChunks(path, opts)) {
    const out: T[] = [];
    for (let i = 0; i < lines.length; i++) {
      const { lineNo, line } = lines[i];
      const r = parse(line);
      if (r.ok) {
        out.push(pick(r));
      } else if (opts.strict) {
        throw new LogParseError(lineNo, r.field, r.message);
      } else if (opts.onReject) {
        opts.onReject({ lineNo, field: r.field, message: r.message });
      }
    }
    if (out.length > 0) yield out;
  }
}

/** Valid events of a log v1 file in file order, in arrays of one read chunk each (the fast path for `analyze`). */
export function readEventChunks(path: string, opts: ReadRecordsOptions = {}): AsyncGenerator<LogEventV1[]> {
  const order = opts.order;
  return readRecordChunks(path, opts, parseEventLine, (r) => {
    order?.see(r.tsMs);
    return r.event;
  });
}

/**
 * Valid events of several log v1 files, one after the other (rotated logs, oldest first), in chunks as
 * readEventChunks. Line numbers count within each file, and rejections and errors carry the file's path;
 * progress counts the bytes of all the files.
 */
export async function* readEventChunksOfFiles(paths: readonly string[], opts: ReadRecordsOptions = {}): AsyncGenerator<LogEventV1[]> {
  if (paths.length === 1) {
    yield* readEventChunks(paths[0]!, opts);
    return;
  }
  const sizes = paths.map(sizeOf);
  const total = sizes.reduce((a, b) => a + b, 0);
  let before = 0;
  const { onReject, onProgress } = opts;
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    const done = before;
    try {
      yield* readEventChunks(path, {
        ...opts,
        onReject: onReject ? (r) => onReject({ ...r, path }) : undefined,
        onProgress: onProgress ? (read) => onProgress(done + read, total) : undefined,
      });
    } catch (err) {
      if (err instanceof LogParseError) err.path = path;
      throw err;
    }
    before += sizes[i]!;
  }
}

/** Valid events of a log v1 file in file order; bad lines go to `onReject`, or throw in strict mode. */
export async function* readEvents(path: string, opts: ReadRecordsOptions = {}): AsyncGenerator<LogEventV1> {
  for await (const events of readEventChunks(path, opts)) yield* events;
}

/** Valid account records of an accounts.jsonl file; bad lines go to `onReject`, or throw in strict mode. */
export async function* readAccounts(path: string, opts: ReadRecordsOptions = {}): AsyncGenerator<AccountRecordV1> {
  const chunks = readRecordChunks(path, opts, parseAccountLine, (r) => r.account);
  for await (const accounts of chunks) yield* accounts;
}
