// The official openai client works unchanged against the gateway, JSON and streaming.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

describe('openai SDK through the gateway', () => {
  let t: TestGateway;
  let client: OpenAI;
  before(async () => {
    t = await startTestGateway();
    client = new OpenAI({ apiKey: t.keyFor('acct_openai', 'org'), baseURL: `${t.gw.url}/v1`, maxRetries: 0 });
  });
  after(() => t.close());

  test('chat completion (JSON) returns the upstream answer with usage', async () => {
    const res = await client.chat.completions.create({ model: 'demo-small', messages: [{ role: 'user', content: 'Hello there' }] });
    assert.match(res.choices[0].message.content ?? '', /demo upstream/);
    assert.equal(res.choices[0].finish_reason, 'stop');
    assert.ok((res.usage?.prompt_tokens ?? 0) > 0);
  });

  test('chat completion streams chunks and include_usage delivers the usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'demo-small',
      messages: [{ role: 'user', content: 'Stream to me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage: unknown = null;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(chunks > 5, `expected many chunks, got ${chunks}`);
    assert.match(text, /demo upstream/);
    assert.ok(usage, 'usage chunk delivered');
  });

  test('a stream without include_usage gets no usage chunk', async () => {
    const stream = await client.chat.completions.create({ model: 'demo-small', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const chunk of stream) {
      assert.equal(chunk.usage ?? null, null);
      assert.ok(chunk.choices.length > 0, 'no empty-choices chunk');
    }
  });

  test('responses API (JSON and streaming) works', async () => {
    const res = await client.responses.create({ model: 'demo-small', input: 'Say something' });
    assert.match(res.output_text, /demo upstream/);
    const stream = await client.responses.create({ model: 'demo-small', input: 'Say something', stream: true });
    let deltas = '';
    let completed = false;
    for await (const ev of stream) {
      if (ev.type === 'response.output_text.delta') deltas += ev.delta;
      if (ev.type === 'response.completed') completed = true;
    }
    assert.ok(completed);
    assert.match(deltas, /demo upstream/);
  });

  test('models list comes through', async () => {
    const models = await client.models.list();
    assert.ok(models.data.some((m) => m.id === 'demo-small'));
  });

  test('an error arrives as the SDK typed error with the gateway code', async () => {
    const bad = new OpenAI({ apiKey: 'dg-key_000000000000-nope', baseURL: `${t.gw.url}/v1`, maxRetries: 0 });
    await assert.rejects(
      bad.chat.completions.create({ model: 'demo-small', messages: [{ role: 'user', content: 'x' }] }),
      (err: unknown) => err instanceof OpenAI.AuthenticationError && err.code === 'DG_ERR_INVALID_API_KEY',
    );
  });
});
