import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { runLoad } from '../../bench/lib/load.ts';
import { CHAT_PATH, REQUEST_BODY } from '../../bench/lib/payloads.ts';
import { startUpstream } from '../../bench/upstream.ts';

describe('load generator', () => {
  let server: Server;
  let url: string;
  before(async () => ({ server, url } = await startUpstream()));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('runs autocannon in its own process and reports counts, status codes and sub-ms latency percentiles', async () => {
    const headers = { 'content-type': 'application/json' };
    const result = await runLoad({
      origin: url,
      connections: 2,
      durationSeconds: 1,
      requests: [
        { method: 'POST', path: CHAT_PATH, headers, body: REQUEST_BODY.json },
        { method: 'POST', path: CHAT_PATH, headers, body: REQUEST_BODY.sse },
      ],
    });
    assert.ok(result.ok > 0);
    assert.equal(result.errors, 0);
    assert.equal(result.non2xx, 0);
    assert.equal(result.statusCodes['200'], result.ok);
    const { p50, p90, p99, max } = result.latencyMs;
    assert.ok(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= max);
    assert.ok(!Number.isInteger(p99) || !Number.isInteger(p50), 'latencies keep their fractional milliseconds');
  });

  it('counts non-2xx answers separately from successes', async () => {
    const result = await runLoad({
      origin: url,
      connections: 1,
      durationSeconds: 1,
      requests: [{ method: 'POST', path: '/v1/nothing-here', headers: {}, body: '{}' }],
    });
    assert.equal(result.ok, 0);
    assert.ok(result.non2xx > 0);
    assert.ok(result.statusCodes['404'] > 0);
  });
});
