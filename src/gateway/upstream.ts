// The connection to the model API: one pooled undici client per upstream origin, with timeouts
// mapped to the gateway's own errors.
//
// Requests go through the pool's `dispatch` with a handler of our own rather than `pool.request`: most answers
// are JSON read whole, and `request` wraps every answer in a stream (plus an async resource, a parsed header
// object and a consume-to-ArrayBuffer step) that costs the gateway's busiest thread more than the reading itself.
// Here a JSON answer is its received chunks joined once; an event stream's chunks go to its consumer as they
// come (upstream-body.ts).
import { Pool, errors } from 'undici';
import { DgError, ERRORS } from '../errors.ts';
import { UpstreamBody } from './upstream-body.ts';

export interface UpstreamOptions {
  connections: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
  /** True when the caller can relay an event stream as it arrives; otherwise every answer is read whole. */
  streamable: boolean;
  signal: UpstreamCancel;
}

/** An upstream answer: read whole (`bytes`), or, for a 2xx event stream to a streamable request, as a stream. */
export type UpstreamAnswer =
  | { statusCode: number; bytes: Buffer; stream: null }
  | { statusCode: number; bytes: null; stream: UpstreamBody };

export class Upstream {
  readonly origin: string;
  /** Path prefix of the base URL (e.g. `/proxy` in `http://host/proxy`), prepended to every route. */
  private readonly prefix: string;
  private readonly pool: Pool;

  constructor(baseUrl: string, opts: UpstreamOptions) {
    const url = new URL(baseUrl);
    this.origin = url.origin;
    this.prefix = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.pool = new Pool(url.origin, {
      connections: opts.connections,
      pipelining: 1,
      headersTimeout: opts.headersTimeoutMs,
      bodyTimeout: opts.bodyTimeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  /** Resolves with the whole answer, or at its headers for a stream; rejects on connection errors and timeouts. */
  request(opts: UpstreamRequest): Promise<UpstreamAnswer> {
    return new Promise((resolve, reject) => {
      const handler = new AnswerHandler(opts.streamable, opts.signal, resolve, reject);
      this.pool.dispatch({ method: opts.method, path: this.prefix + opts.path, headers: opts.headers, body: opts.body ?? null }, handler);
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Cancels one upstream request when its caller goes away. A plain object with one callback: an AbortController
 * (an EventTarget) or an EventEmitter costs more per request to create and listen on, for a cancellation that
 * almost never happens.
 */
export class UpstreamCancel {
  aborted = false;
  /** Set by the request in flight: stops it. */
  onCancel: (() => void) | null = null;

  cancel(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.onCancel?.();
  }
}

const CONTENT_TYPE = 'content-type';
const EVENT_STREAM = 'text/event-stream';

/** Whether undici's raw header list (name, value, name, value… as Buffers) says the body is an event stream. */
function isEventStreamAnswer(rawHeaders: Buffer[]): boolean {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === CONTENT_TYPE.length && name.toString('latin1').toLowerCase() === CONTENT_TYPE) {
      return rawHeaders[i + 1].toString('latin1').trimStart().toLowerCase().startsWith(EVENT_STREAM);
    }
  }
  return false;
}

/** undici's dispatch handler (its callback interface) for one request of the gateway. */
class AnswerHandler {
  private abortRequest: ((err: Error) => void) | null = null;
  private statusCode = 0;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private stream: UpstreamBody | null = null;
  private done = false;

  constructor(
    private readonly streamable: boolean,
    private readonly cancel: UpstreamCancel,
    private readonly resolve: (answer: UpstreamAnswer) => void,
    private readonly reject: (err: Error) => void,
  ) {
    cancel.onCancel = () => {
      const err = new errors.RequestAbortedError();
      if (this.stream) this.stream.abort(err);
      else this.abortRequest?.(err);
    };
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.cancel.aborted) {
      abort(new errors.RequestAbortedError());
      return;
    }
    this.abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // 1xx (informational) answers come before the real one
    if (statusCode < 200) return true;
    this.statusCode = statusCode;
    if (this.streamable && statusCode < 400 && isEventStreamAnswer(rawHeaders)) {
      this.stream = new UpstreamBody(resume, (err) => {
        if (!this.done) this.abortRequest?.(err);
      });
      this.resolve({ statusCode, bytes: null, stream: this.stream });
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.stream) return this.stream.push(chunk);
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    return true;
  }

  onComplete(): void {
    this.done = true;
    // a stream's last chunks may still wait for its caller to read them: a caller that leaves stops the body
    if (this.stream) {
      this.stream.end();
      return;
    }
    this.cancel.onCancel = null;
    const bytes = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    this.resolve({ statusCode: this.statusCode, bytes, stream: null });
  }

  onError(err: Error): void {
    this.done = true;
    this.cancel.onCancel = null;
    if (this.stream) this.stream.fail(err);
    else this.reject(err);
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** True for errors of the connection to the upstream (undici's UND_ERR_* and socket errors), not bugs of ours. */
export function isUpstreamFailure(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('UND_ERR') || code.startsWith('E'));
}

/** Turns a failure to talk to the upstream into the error the caller sees (502 or 504). */
export function upstreamFailure(err: unknown): DgError {
  const code = (err as { code?: string })?.code ?? '';
  if (TIMEOUT_CODES.has(code)) return new DgError(ERRORS.UPSTREAM_TIMEOUT, undefined, { cause: err });
  return new DgError(ERRORS.UPSTREAM_UNREACHABLE, undefined, { cause: err });
}

/** An error answer from the upstream that is not in the caller's dialect, relayed with its status. */
export function upstreamErrorAnswer(status: number, text: string): DgError {
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 300);
  const def = { ...ERRORS.UPSTREAM_ERROR, status: status >= 400 && status <= 599 ? status : 502 };
  return new DgError(def, `The upstream model API answered ${status}${snippet ? `: ${snippet}` : '.'}`);
}
