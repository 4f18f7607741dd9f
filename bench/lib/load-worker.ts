// The load generator, in its own process so it does not share an event loop with any target.
// Receives one LoadSpec over IPC, runs autocannon, records every 2xx latency at full (sub-ms) resolution,
// sends back one LoadResult and exits.
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load-types.ts';
import { percentile } from './stats.ts';

/** Growable Float64Array: one slot per response, no per-response allocation. */
class SampleBuffer {
  private data = new Float64Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

function run(spec: LoadSpec): Promise<LoadResult> {
  const latencies = new SampleBuffer();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.origin,
        connections: spec.connections,
        duration: spec.durationSeconds,
        timeout: 30,
        requests: spec.requests.map((r) => ({ method: r.method, path: r.path, headers: r.headers, body: r.body })),
      },
      (err, result) => {
        if (err) {
          reject(err);
          return;
        }
        const sorted = latencies.sorted();
        let sum = 0;
        for (let i = 0; i < sorted.length; i++) sum += sorted[i];
        const statusCodes: Record<string, number> = {};
        for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count;
        resolve({
          durationSeconds: result.duration,
          ok: sorted.length,
          rps: sorted.length / result.duration,
          latencyMs: {
            mean: sorted.length ? sum / sorted.length : Number.NaN,
            p50: percentile(sorted, 50),
            p90: percentile(sorted, 90),
            p99: percentile(sorted, 99),
            max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
          },
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          statusCodes,
          bytesPerSecond: result.throughput.total / result.duration,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
    });
  });
}

process.once('message', (spec: LoadSpec) => {
  run(spec).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (err: Error) => process.send?.({ error: err.message }, () => process.exit(1)),
  );
});
