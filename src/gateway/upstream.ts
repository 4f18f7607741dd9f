// The connection to the model API: one pooled undici client per upstream origin, with timeouts
// mapped to the gateway's own errors.
import { EventEmitter } from 'node:events';
import { Pool, type Dispatcher } from 'undici';
import { DgError, ERRORS } from '../errors.ts';

export interface UpstreamOptions {
  connections: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

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

  request(opts: {
    method: 'GET' | 'POST';
    path: string;
    headers: Record<string, string>;
    body?: string;
    signal: UpstreamCancel;
  }): Promise<Dispatcher.ResponseData> {
    return this.pool.request({
      method: opts.method,
      path: this.prefix + opts.path,
      headers: opts.headers,
      body: opts.body,
      signal: opts.signal,
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Cancels one upstream request when its caller goes away. undici takes an EventEmitter as well as an
 * AbortSignal for this; an AbortController (an EventTarget) costs microseconds per request to create and
 * to listen on, for a cancellation that almost never happens.
 */
export class UpstreamCancel extends EventEmitter {
  aborted = false;

  cancel(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
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
