// The official @anthropic-ai/sdk client works unchanged against the gateway, JSON and streaming.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

describe('anthropic SDK through the gateway', () => {
  let t: TestGateway;
  let client: Anthropic;
  before(async () => {
    t = await startTestGateway();
    client = new Anthropic({ apiKey: t.keyFor('acct_anthropic', 'org'), baseURL: t.gw.url, maxRetries: 0 });
  });
  after(() => t.close());

  test('messages (JSON) returns text and usage', async () => {
    const msg = await client.messages.create({ model: 'demo-small', max_tokens: 256, messages: [{ role: 'user', content: 'Hello' }] });
    const text = msg.content.find((b) => b.type === 'text');
    assert.ok(text && text.type === 'text' && /demo upstream/.test(text.text));
    assert.ok(msg.usage.input_tokens > 0);
  });

  test('messages stream with thinking is assembled by the SDK', async () => {
    const stream = client.messages.stream({
      model: 'demo-small',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'Think about it' }],
    });
    let deltas = 0;
    stream.on('text', () => deltas++);
    const final = await stream.finalMessage();
    assert.ok(deltas > 3);
    assert.equal(final.content[0].type, 'thinking', 'org tier sees full thinking');
    assert.equal(final.content[1].type, 'text');
    assert.equal(final.stop_reason, 'end_turn');
  });

  test('errors arrive as the SDK typed error', async () => {
    const bad = new Anthropic({ apiKey: 'not-a-key', baseURL: t.gw.url, maxRetries: 0 });
    await assert.rejects(
      bad.messages.create({ model: 'demo-small', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
      (err: unknown) => err instanceof Anthropic.AuthenticationError,
    );
  });

  test('models list in the Anthropic shape', async () => {
    const page = await client.models.list();
    assert.ok(page.data.some((m) => m.id === 'demo-small'));
  });
});
