// The model routes' common case is served before fastify (server.ts, serveFast); every other shape of the
// same request goes through fastify. Both must answer alike and both must become events.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const BODY = JSON.stringify({ model: 'demo-small', messages: [{ role: 'user', content: 'hi' }], max_tokens: 50 });

function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.slice(0, 10));
      controller.enqueue(bytes.slice(10));
      controller.close();
    },
  });
}

describe('requests served before fastify and through it answer alike', () => {
  let t: TestGateway;
  let key: string;
  before(async () => {
    t = await startTestGateway();
    key = t.keyFor('acct_fast', 'org');
  });
  after(async () => {
    await t.close();
  });

  const post = (path: string, body: string | ReadableStream<Uint8Array>, contentType = 'application/json') =>
    fetch(t.gw.url + path, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${key}` },
      body,
      ...(typeof body === 'string' ? {} : { duplex: 'half' }),
    } as RequestInit);

  test('a chat completion with Content-Length (fast path), chunked, with a query string or another spelling of JSON', async () => {
    const answers = [
      await post('/v1/chat/completions', BODY),
      await post('/v1/chat/completions', chunked(BODY)),
      await post('/v1/chat/completions?trace=1', BODY),
      await post('/v1/chat/completions', BODY, 'Application/JSON; charset=UTF-8'),
    ];
    for (const res of answers) {
      const body = (await res.json()) as { object: string; usage: { completion_tokens: number } };
      assert.equal(res.status, 200);
      assert.equal(body.object, 'chat.completion');
      assert.ok(body.usage.completion_tokens > 0);
      assert.match(res.headers.get('x-request-id') ?? '', /^req_/);
      assert.ok(res.headers.get('x-ratelimit-limit-requests'));
    }
  });

  test('malformed JSON is refused alike with and without Content-Length, and both are events', async () => {
    const refused = [await post('/v1/chat/completions', '{"model": '), await post('/v1/chat/completions', chunked('{"model": "demo-small", '))];
    for (const res of refused) {
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('x-distillguard-error-code'), 'DG_ERR_INVALID_JSON');
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'DG_ERR_INVALID_JSON');
    }
    const empty = await post('/v1/chat/completions', '');
    assert.equal(empty.status, 400);
    await empty.arrayBuffer();
  });

  test('every one of those requests was written as an event of its account', async () => {
    const events = await t.stopAndReadEvents();
    const statuses = events.filter((e) => e.account_id === 'acct_fast').map((e) => e.response.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 400, 400, 400]);
    assert.ok(events.every((e) => e.endpoint === '/v1/chat/completions'));
  });
});
