import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter, Histogram, Registry } from 'prom-client';
import { GatewayMetrics, LeanHistogram, RequestCounter } from '../../src/gateway/metrics.ts';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const SAMPLES: [string, number][] = [
  ['openai', 0.0005],
  ['openai', 0.001],
  ['openai', 0.02],
  ['anthropic', 0.5],
  ['openai', 7],
  ['anthropic', 0.001],
];

test('the lean histogram renders exactly as prom-client Histogram does for the same observations', async () => {
  const leanRegistry = new Registry();
  const lean = new LeanHistogram('x_seconds', 'help text', 'dialect', BUCKETS);
  leanRegistry.registerMetric(lean as never);
  const promRegistry = new Registry();
  const prom = new Histogram({ name: 'x_seconds', help: 'help text', labelNames: ['dialect'], buckets: BUCKETS, registers: [promRegistry] });
  for (const [dialect, v] of SAMPLES) {
    lean.observe(dialect, v);
    prom.observe({ dialect }, v);
  }
  assert.equal(await leanRegistry.metrics(), await promRegistry.metrics());
});

test('the request counter renders exactly as prom-client Counter does', async () => {
  const leanRegistry = new Registry();
  const lean = new RequestCounter('r_total', 'requests');
  leanRegistry.registerMetric(lean as never);
  const promRegistry = new Registry();
  const prom = new Counter({ name: 'r_total', help: 'requests', labelNames: ['dialect', 'status'], registers: [promRegistry] });
  for (const [dialect, status] of [['openai', 200], ['openai', 200], ['anthropic', 429], ['openai', 502]] as const) {
    lean.inc(dialect, status);
    prom.inc({ dialect, status: String(status) });
  }
  assert.equal(await leanRegistry.metrics(), await promRegistry.metrics());
});

test('gateway metrics expose request counts and latency histograms on the registry', async () => {
  const metrics = new GatewayMetrics({ depth: 0, dropped: 0, written: 0 });
  metrics.countRequest('openai', 200);
  metrics.observeLatency('openai', 0.003);
  metrics.observeUpstreamLatency('openai', 0.002);
  const text = await metrics.registry.metrics();
  assert.match(text, /^distillguard_requests_total\{dialect="openai",status="200"\} 1$/m);
  assert.match(text, /^distillguard_request_duration_seconds_bucket\{le="0.005",dialect="openai"\} 1$/m);
  assert.match(text, /^distillguard_request_duration_seconds_count\{dialect="openai"\} 1$/m);
  assert.match(text, /^distillguard_upstream_duration_seconds_sum\{dialect="openai"\} 0.002$/m);
  assert.match(text, /^distillguard_events_dropped_total 0$/m);
});
