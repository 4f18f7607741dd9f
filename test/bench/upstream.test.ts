import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { JSON_RESPONSE, STREAM_CHUNKS, startUpstream, USAGE } from '../../bench/upstream.ts';

describe('bench upstream', () => {
  let server: Server;
  let url: string;
  before(async () => ({ server, url } = await startUpstream()));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (body: unknown) =>
    fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers a non-streaming request with one fixed chat completion', async () => {
    const res = await post({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal(text, JSON_RESPONSE.toString());
    const body = JSON.parse(text);
    assert.equal(body.object, 'chat.completion');
    assert.deepEqual(body.usage, USAGE);
  });

  it('streams 20 chunks with the usage in the last one, then [DONE]', async () => {
    const res = await post({ model: 'm', messages: [], stream: true, stream_options: { include_usage: true } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = (await res.text()).split('\n\n').filter(Boolean);
    assert.equal(events.length, STREAM_CHUNKS + 1);
    assert.equal(events.at(-1), 'data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)));
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null));
    assert.deepEqual(chunks.at(-1).usage, USAGE);
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');
  });

  it('serves the route with or without the /v1 prefix and rejects a body that is not JSON', async () => {
    const plain = await fetch(`${url}/chat/completions`, { method: 'POST', body: '{"model":"m"}' });
    assert.equal(plain.status, 200);
    await plain.arrayBuffer();
    const bad = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: 'not json' });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.type, 'invalid_request_error');
  });
});
