// An upstream event stream's body, handed chunk by chunk from undici's handler to the one consumer that relays
// it, with no Readable in between: a stream's push, its 'data' event, its read-more and end ticks cost the
// request thread more per chunk than the relay's own work on most chunks. Backpressure is undici's own: a
// chunk the consumer cannot take yet pauses the upstream's parser until `resume`.

/** Where the body goes. */
export interface BodySink {
  /** The next chunk; false asks to wait: no chunk comes until `UpstreamBody.resume()`. */
  chunk(chunk: Buffer): boolean;
  /** The body is complete. */
  end(): void;
  /** The body failed or was aborted; nothing else comes. */
  error(err: Error): void;
}

/** Bytes held for a consumer that is not there yet, or asked to wait, before the upstream is paused. */
const HIGH_WATER_BYTES = 64 * 1024;

export class UpstreamBody {
  private sink: BodySink | null = null;
  /** Chunks received but not handed over: before a sink, or while it asks to wait. */
  private readonly waiting: Buffer[] = [];
  private waitingBytes = 0;
  /** The sink asked to wait. */
  private paused = false;
  /** The upstream sent the whole body (the sink hears it once it has every chunk). */
  private complete = false;
  /** The body failed before a sink was there. */
  private failure: Error | null = null;
  /** The sink heard end or error (or will, being given the failure): nothing more goes to it. */
  private settled = false;

  /**
   * @param resumeUpstream continues reading the upstream after a chunk was refused
   * @param abortUpstream stops the upstream request (its failure comes back through `fail`, and is ignored)
   */
  constructor(
    private readonly resumeUpstream: () => void,
    private readonly abortUpstream: (err: Error) => void,
  ) {}

  /** Hands the body to `sink`: what arrived before goes first. */
  pipeTo(sink: BodySink): void {
    if (this.sink !== null) throw new Error('an upstream body has one consumer');
    this.sink = sink;
    if (this.failure !== null) sink.error(this.failure);
    else this.flush();
  }

  /** The consumer can take chunks again. */
  resume(): void {
    if (!this.paused || this.settled) return;
    this.paused = false;
    this.flush();
  }

  /** Stops the body (the caller went away): the upstream request is aborted and the sink hears `err`. */
  abort(err: Error): void {
    if (this.settled) return;
    const reading = !this.complete;
    this.fail(err);
    if (reading) this.abortUpstream(err);
  }

  /** undici's handler: the next chunk; false pauses the upstream until `resumeUpstream` is called. */
  push(chunk: Buffer): boolean {
    if (this.settled) return true;
    if (this.sink !== null && !this.paused && this.waiting.length === 0) {
      if (this.sink.chunk(chunk)) return true;
      this.paused = true;
      return false;
    }
    this.waiting.push(chunk);
    this.waitingBytes += chunk.length;
    return this.waitingBytes < HIGH_WATER_BYTES;
  }

  /** undici's handler: the body is complete. */
  end(): void {
    this.complete = true;
    if (this.sink !== null && !this.paused && this.waiting.length === 0 && !this.settled) {
      this.settled = true;
      this.sink.end();
    }
  }

  /** undici's handler: the body failed; chunks not handed over yet are dropped. */
  fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.waiting.length = 0;
    this.waitingBytes = 0;
    if (this.sink !== null) this.sink.error(err);
    else this.failure = err;
  }

  /** Hands over the waiting chunks until the sink asks to wait; then the end, or more from the upstream. */
  private flush(): void {
    const sink = this.sink!;
    let handed = 0;
    while (handed < this.waiting.length && !this.settled) {
      const chunk = this.waiting[handed++];
      this.waitingBytes -= chunk.length;
      if (!sink.chunk(chunk)) {
        this.paused = true;
        break;
      }
    }
    this.waiting.splice(0, handed);
    if (this.paused || this.settled) return;
    if (this.complete) {
      this.settled = true;
      sink.end();
    } else {
      this.resumeUpstream();
    }
  }
}
