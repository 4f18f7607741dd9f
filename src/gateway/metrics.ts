// Prometheus metrics of one gateway instance (its own registry, so several can live in one process).
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** One series of a histogram: counts per bucket (the last is +Inf), their sum and count. */
interface HistogramSeries {
  readonly labels: Record<string, string>;
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram with one label, kept in plain arrays and exposed to prom-client's registry through the
 * interface it reads (`get`). prom-client's own Histogram validates and hashes the label set on every
 * observation, child or not, which cost more than anything else the gateway does for metrics per request.
 */
export class LeanHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelName: string,
    private readonly bounds: readonly number[],
  ) {}

  observe(labelValue: string, value: number): void {
    let s = this.series.get(labelValue);
    if (!s) {
      s = { labels: { [this.labelName]: labelValue }, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      this.series.set(labelValue, s);
    }
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    s.counts[i]++;
    s.sum += value;
    s.count++;
  }

  reset(): void {
    this.series.clear();
  }

  /** The metric as prom-client's registry renders it (cumulative buckets, then sum and count per series). */
  get(): { name: string; help: string; type: string; aggregator: string; values: { labels: Record<string, string | number>; value: number; metricName: string }[] } {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        cumulative += s.counts[i];
        values.push({ labels: { le: i < this.bounds.length ? this.bounds[i] : '+Inf', ...s.labels }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

/** A Prometheus counter of requests by dialect and status, kept like LeanHistogram (no label hashing per request). */
export class RequestCounter {
  readonly type = 'counter';
  readonly aggregator = 'sum';
  private readonly byDialect = new Map<string, Map<number, { labels: Record<string, string>; value: number }>>();
  /** Every series in the order first seen (the order prom-client renders them in). */
  private readonly slots: { labels: Record<string, string>; value: number }[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(dialect: string, status: number): void {
    let byStatus = this.byDialect.get(dialect);
    if (!byStatus) this.byDialect.set(dialect, (byStatus = new Map()));
    const slot = byStatus.get(status);
    if (slot) {
      slot.value++;
    } else {
      const added = { labels: { dialect, status: String(status) }, value: 1 };
      byStatus.set(status, added);
      this.slots.push(added);
    }
  }

  reset(): void {
    this.byDialect.clear();
    this.slots.length = 0;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: { labels: Record<string, string>; value: number }[] } {
    const values = this.slots.map((slot) => ({ labels: slot.labels, value: slot.value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new RequestCounter('distillguard_requests_total', 'Requests answered, by API dialect and HTTP status');
  readonly latency = new LeanHistogram('distillguard_request_duration_seconds', 'Time from request arrival to the last byte sent', 'dialect', LATENCY_BUCKETS);
  readonly upstreamLatency = new LeanHistogram(
    'distillguard_upstream_duration_seconds',
    'Time from sending upstream to the upstream response ending',
    'dialect',
    LATENCY_BUCKETS,
  );
  readonly limiterRejections: Counter<'scope'>;

  /** Counts one answered request. */
  countRequest(dialect: string, status: number): void {
    this.requests.inc(dialect, status);
  }

  /** Time from a request's arrival to its last byte. */
  observeLatency(dialect: string, seconds: number): void {
    this.latency.observe(dialect, seconds);
  }

  /** Time from sending a request upstream to the end of its answer. */
  observeUpstreamLatency(dialect: string, seconds: number): void {
    this.upstreamLatency.observe(dialect, seconds);
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
    // prom-client's registry only reads a metric's name, help, type and get(): the lean ones register as they are.
    for (const metric of [this.requests, this.latency, this.upstreamLatency]) this.registry.registerMetric(metric as unknown as Metric);
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
