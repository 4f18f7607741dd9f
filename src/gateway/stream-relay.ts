// What the gateway does with each chunk of an upstream event stream on its way to the caller: forward it as it
// came while reading usage from its bytes, or decode it and let the dialect's transform rewrite it.
import type { ServerResponse } from 'node:http';
import type { StreamTransform, StreamUsageReader, UsageRecord } from './dialects/types.ts';

export interface StreamRelay {
  /** Sends what `chunk` becomes; false when the caller's socket asks to wait (backpressure). */
  forward(chunk: Buffer): boolean;
  /** The upstream ended: sends what is left and ends the response. */
  finish(): void;
  /** Usage and finish reason read so far. */
  readonly usage: UsageRecord;
}

/** A stream whose events go out byte for byte (some may be left out); usage is read without decoding most of them. */
export class ForwardingRelay implements StreamRelay {
  constructor(
    private readonly res: ServerResponse,
    private readonly reader: StreamUsageReader,
  ) {}

  get usage(): UsageRecord {
    return this.reader.usage;
  }

  forward(chunk: Buffer): boolean {
    const out = this.reader.push(chunk);
    if (typeof out !== 'string') return this.res.write(out);
    return out.length === 0 || this.res.write(out, 'latin1');
  }

  finish(): void {
    this.res.end(this.reader.end(), 'latin1');
  }
}

/** A stream read and rewritten by the dialect's transform: what it returns goes out. */
export class TransformingRelay implements StreamRelay {
  /** Decodes across chunk boundaries, so a character split between two chunks stays whole. */
  private readonly decoder = new TextDecoder();
  /** The bytes so far ended between characters, so the next chunk's text is its bytes' alone. */
  private wholeCharacters = true;

  constructor(
    private readonly res: ServerResponse,
    private readonly transform: StreamTransform,
  ) {}

  get usage(): UsageRecord {
    return this.transform.usage;
  }

  forward(chunk: Buffer): boolean {
    const text = this.decoder.decode(chunk, { stream: true });
    const rewritten = this.transform.push(text);
    // A chunk the transform left as it was goes out as its bytes too (not encoded again), when it holds whole
    // characters only: an ASCII byte last, and the previous chunk's last byte too.
    const endsWhole = chunk[chunk.length - 1] < 0x80;
    const unchanged = rewritten === text && this.wholeCharacters && endsWhole;
    this.wholeCharacters = endsWhole;
    if (unchanged) return this.res.write(chunk);
    return rewritten.length === 0 || this.res.write(rewritten);
  }

  finish(): void {
    this.res.end(this.transform.push(this.decoder.decode()) + this.transform.end());
  }
}
