// What the harness asks the load generator for, and what it gets back.

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadSpec {
  /** Origin of the target, e.g. http://127.0.0.1:8080 */
  origin: string;
  connections: number;
  durationSeconds: number;
  /** Each connection cycles through these in order (one entry: every request is the same). */
  requests: LoadRequest[];
}

export interface LoadResult {
  durationSeconds: number;
  /** 2xx responses completed */
  ok: number;
  /** 2xx responses per second */
  rps: number;
  /** over 2xx responses, from every recorded sample (autocannon's own histogram is in whole ms) */
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** connection errors, including timeouts */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** response bytes per second (2xx) */
  bytesPerSecond: number;
}
