// Prometheus metrics of one gateway instance (its own registry, so several can live in one process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'dialect' | 'status'>;
  readonly latency: Histogram<'dialect'>;
  readonly upstreamLatency: Histogram<'dialect'>;
  readonly limiterRejections: Counter<'scope'>;
  // Label children, kept per label values: prom-client would otherwise hash the label set on every request.
  private readonly requestCounters = new Map<string, Counter.Internal>();
  private readonly latencyByDialect = new Map<string, Histogram.Internal<'dialect'>>();
  private readonly upstreamLatencyByDialect = new Map<string, Histogram.Internal<'dialect'>>();

  /** Counts one answered request. */
  countRequest(dialect: string, status: number): void {
    const key = `${dialect} ${status}`;
    let counter = this.requestCounters.get(key);
    if (!counter) this.requestCounters.set(key, (counter = this.requests.labels({ dialect, status: String(status) })));
    counter.inc();
  }

  /** Time from a request's arrival to its last byte. */
  observeLatency(dialect: string, seconds: number): void {
    let h = this.latencyByDialect.get(dialect);
    if (!h) this.latencyByDialect.set(dialect, (h = this.latency.labels({ dialect })));
    h.observe(seconds);
  }

  /** Time from sending a request upstream to the end of its answer. */
  observeUpstreamLatency(dialect: string, seconds: number): void {
    let h = this.upstreamLatencyByDialect.get(dialect);
    if (!h) this.upstreamLatencyByDialect.set(dialect, (h = this.upstreamLatency.labels({ dialect })));
    h.observe(seconds);
  }

  /** Exposes the online detector's lag, restarts and drops. */
  observeDetector(d: { lagEvents: number; lagSeconds: number; restarts: number; dropped: number; processed: number }): void {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers, collect() { this.set(read()); } });
    gauge('distillguard_detector_lag_events', 'Events handed to the detector and not yet processed', () => d.lagEvents);
    gauge('distillguard_detector_lag_seconds', 'Age of the oldest event batch the detector has not processed', () => d.lagSeconds);
    gauge('distillguard_detector_restarts_total', 'Times the detector worker was restarted', () => d.restarts);
    gauge('distillguard_detector_dropped_events_total', 'Events not handed to a lagging detector (replayed from the store on restart)', () => d.dropped);
    gauge('distillguard_detector_processed_events_total', 'Events the detector has processed', () => d.processed);
  }

  constructor(queue: { depth: number; dropped: number; written: number }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'distillguard_' });
    this.requests = new Counter({
      name: 'distillguard_requests_total',
      help: 'Requests answered, by API dialect and HTTP status',
      labelNames: ['dialect', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'distillguard_request_duration_seconds',
      help: 'Time from request arrival to the last byte sent',
      labelNames: ['dialect'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.upstreamLatency = new Histogram({
      name: 'distillguard_upstream_duration_seconds',
      help: 'Time from sending upstream to the upstream response ending',
      labelNames: ['dialect'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.limiterRejections = new Counter({
      name: 'distillguard_ratelimit_rejections_total',
      help: 'Requests refused by a rate limit, by the scope that refused them',
      labelNames: ['scope'],
      registers,
    });
    new Gauge({
      name: 'distillguard_event_queue_depth',
      help: 'Events waiting to be written',
      registers,
      collect() {
        this.set(queue.depth);
      },
    });
    new Gauge({
      name: 'distillguard_events_dropped_total',
      help: 'Events dropped because the queue was full (should stay 0)',
      registers,
      collect() {
        this.set(queue.dropped);
      },
    });
    new Gauge({
      name: 'distillguard_events_written_total',
      help: 'Events written to every sink',
      registers,
      collect() {
        this.set(queue.written);
      },
    });
  }
}
