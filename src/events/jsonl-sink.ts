// Rotating JSON Lines files of log format v1 events.
// Files are named `events-<UTC timestamp>[-<n>].jsonl`, e.g. `events-20261127T023015123Z.jsonl`, where the
// timestamp is when the file was opened and `-<n>` separates files opened in the same millisecond.
// `listEventFiles` returns them oldest first; `readEvents` reads each one back.
import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBatch } from './batch.ts';
import type { EventSink } from './sink.ts';
import type { LogEventV1 } from './types.ts';

/** One event as a JSON line, fields in the order of specs/event-log-v1.md; null optional fields are left out. */
export function formatEventLine(e: LogEventV1): string {
  const c = e.client;
  const r = e.response;
  return JSON.stringify({
    ts: e.ts,
    request_id: e.request_id,
    account_id: e.account_id,
    org_id: e.org_id ?? undefined,
    key_id: e.key_id ?? undefined,
    client: { ip: c.ip, asn: c.asn ?? undefined, user_agent: c.user_agent ?? undefined, ja4: c.ja4 ?? undefined },
    endpoint: e.endpoint,
    model: e.model,
    params: e.params,
    messages: e.messages,
    response: {
      status: r.status,
      input_tokens: r.input_tokens ?? undefined,
      output_tokens: r.output_tokens ?? undefined,
      reasoning_tokens: r.reasoning_tokens ?? undefined,
      finish_reason: r.finish_reason ?? undefined,
      latency_ms: r.latency_ms ?? undefined,
    },
  });
}

const FILE_NAME = /^events-(\d{8}T\d{9}Z)(?:-(\d+))?\.jsonl$/;

/** `20261127T023015123Z`: ISO 8601 basic format, sortable and safe in file names on every OS. */
function fileTimestamp(d: Date): string {
  return d.toISOString().replace(/[-:.]/g, '');
}

/** Event files of a directory, oldest first (by the timestamp in the name, then the sequence suffix). */
export function listEventFiles(dir: string): string[] {
  const found: { name: string; stamp: string; seq: number }[] = [];
  for (const name of readdirSync(dir)) {
    const m = FILE_NAME.exec(name);
    if (m) found.push({ name, stamp: m[1], seq: m[2] === undefined ? 0 : Number(m[2]) });
  }
  found.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.seq - b.seq));
  return found.map((f) => join(dir, f.name));
}

export interface JsonlFileSinkOptions {
  dir: string;
  /** Start a new file before a write would take the current one past this size (config events.rotate_bytes). */
  rotateBytes: number;
  /** Clock for file names (tests). */
  now?: () => Date;
}

/** Appends each batch to the current file with one write; rotates by size. */
export class JsonlFileSink implements EventSink {
  readonly name = 'jsonl';
  private readonly dir: string;
  private readonly rotateBytes: number;
  private readonly now: () => Date;
  private fd: number | null = null;
  private path: string | null = null;
  private bytes = 0;

  constructor(opts: JsonlFileSinkOptions) {
    this.dir = opts.dir;
    this.rotateBytes = opts.rotateBytes;
    this.now = opts.now ?? (() => new Date());
    mkdirSync(this.dir, { recursive: true });
  }

  /** The file being written, null before the first write and after close. */
  get currentFile(): string | null {
    return this.path;
  }

  write(batch: EventBatch): void {
    if (batch.length === 0) return;
    const buf = batch.bytes;
    if (this.fd !== null && this.bytes > 0 && this.bytes + buf.length > this.rotateBytes) this.closeFile();
    const fd = this.fd ?? this.openFile();
    let off = 0;
    try {
      // positional writes: after a truncation the next batch lands right after the last complete one
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off, this.bytes + off);
    } catch (err) {
      // the queue retries the whole batch: cut a partial one off so no line is half-written or written twice
      if (off > 0) this.truncateTo(fd, this.bytes);
      throw err;
    }
    this.bytes += buf.length;
  }

  close(): void {
    this.closeFile();
  }

  private openFile(): number {
    const stamp = fileTimestamp(this.now());
    for (let seq = 0; ; seq++) {
      const path = join(this.dir, seq === 0 ? `events-${stamp}.jsonl` : `events-${stamp}-${seq}.jsonl`);
      try {
        // 'wx': never append to a file another process (or an earlier run) owns
        this.fd = openSync(path, 'wx', 0o640);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw err;
      }
      this.path = path;
      this.bytes = 0;
      return this.fd;
    }
  }

  private truncateTo(fd: number, size: number): void {
    try {
      ftruncateSync(fd, size);
    } catch {
      // cannot repair this file: leave it and start a new one at the next write
      this.fd = null;
      this.path = null;
      try {
        closeSync(fd);
      } catch {
        /* already failing; the write error is what the caller sees */
      }
    }
  }

  private closeFile(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    this.path = null;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
