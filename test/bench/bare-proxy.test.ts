import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createBareProxy } from '../../bench/bare-proxy.ts';
import { JSON_RESPONSE, SSE_CHUNKS, startUpstream } from '../../bench/upstream.ts';

describe('bench bare proxy', () => {
  let upstream: Server;
  let proxy: FastifyInstance;
  let origin: string;
  before(async () => {
    const started = await startUpstream();
    upstream = started.server;
    proxy = createBareProxy({ upstream: started.url, connections: 4 });
    await proxy.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('passes a JSON completion through byte for byte with the upstream status and content type', async () => {
    const res = await fetch(`${origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":"m","messages":[]}',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(await res.text(), JSON_RESPONSE.toString());
  });

  it('streams an SSE response through unchanged', async () => {
    const res = await fetch(`${origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":"m","stream":true}',
    });
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(await res.text(), Buffer.concat(SSE_CHUNKS).toString());
  });

  it('relays upstream errors with their status', async () => {
    const res = await fetch(`${origin}/v1/unknown`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 404);
    assert.match((await res.json()).error.message, /no route/);
  });
});
