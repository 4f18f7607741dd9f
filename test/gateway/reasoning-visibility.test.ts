// Reasoning is shown in full, as a summary, or not at all, by tier: in JSON and in streams, in both dialects.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const RAW_REASONING = /I restate the question/;

describe('reasoning visibility by tier', () => {
  let t: TestGateway;
  const clients: Record<string, { openai: OpenAI; anthropic: Anthropic }> = {};
  before(async () => {
    t = await startTestGateway();
    for (const tier of ['none', 'email', 'org'] as const) {
      const key = t.keyFor(`acct_${tier}`, tier);
      clients[tier] = {
        openai: new OpenAI({ apiKey: key, baseURL: `${t.gw.url}/v1`, maxRetries: 0 }),
        anthropic: new Anthropic({ apiKey: key, baseURL: t.gw.url, maxRetries: 0 }),
      };
    }
  });
  after(() => t.close());

  async function chatJson(tier: string): Promise<string | undefined> {
    const res = await clients[tier].openai.chat.completions.create({ model: 'demo-reasoner', max_tokens: 500, messages: [{ role: 'user', content: 'Why?' }] });
    return (res.choices[0].message as any).reasoning_content;
  }
  async function chatStream(tier: string): Promise<{ reasoning: string; content: string }> {
    const stream = await clients[tier].openai.chat.completions.create({ model: 'demo-reasoner', max_tokens: 500, stream: true, messages: [{ role: 'user', content: 'Why?' }] });
    let reasoning = '';
    let content = '';
    for await (const c of stream) {
      reasoning += (c.choices[0]?.delta as any)?.reasoning_content ?? '';
      content += c.choices[0]?.delta?.content ?? '';
    }
    return { reasoning, content };
  }

  test('chat completions JSON: full at org, summary at email, none at none', async () => {
    assert.match((await chatJson('org')) ?? '', RAW_REASONING);
    const summary = (await chatJson('email')) ?? '';
    assert.match(summary, /^\[Reasoning summary\]/);
    assert.ok(summary.length < 320);
    assert.equal(await chatJson('none'), undefined);
  });

  test('chat completions stream: full at org, one summary chunk at email, nothing at none', async () => {
    const full = await chatStream('org');
    assert.match(full.reasoning, RAW_REASONING);
    const summary = await chatStream('email');
    assert.match(summary.reasoning, /^\[Reasoning summary\]/);
    assert.match(summary.content, /demo upstream/);
    const none = await chatStream('none');
    assert.equal(none.reasoning, '');
    assert.match(none.content, /demo upstream/);
  });

  test('responses API: raw reasoning text removed below full, summary kept at summary tier', async () => {
    const org = await clients.org.openai.responses.create({ model: 'demo-small', input: 'Why?', reasoning: { effort: 'high' } });
    assert.ok(org.output.some((i: any) => i.type === 'reasoning' && i.content?.length));
    const email = await clients.email.openai.responses.create({ model: 'demo-small', input: 'Why?', reasoning: { effort: 'high' } });
    const item = email.output.find((i: any) => i.type === 'reasoning') as any;
    assert.ok(item && item.summary.length === 1 && item.content === undefined);
    const stream = await clients.none.openai.responses.create({ model: 'demo-small', input: 'Why?', reasoning: { effort: 'high' }, stream: true });
    for await (const ev of stream) {
      assert.ok(!ev.type.startsWith('response.reasoning'), ev.type);
      if (ev.type === 'response.completed') assert.ok(!ev.response.output.some((i) => i.type === 'reasoning'));
    }
  });

  test('anthropic thinking blocks: hidden and re-indexed at none, summarised at email', async () => {
    const params = { model: 'demo-small', max_tokens: 2048, thinking: { type: 'enabled' as const, budget_tokens: 1024 }, messages: [{ role: 'user' as const, content: 'Why?' }] };
    const none = await clients.none.anthropic.messages.stream(params).finalMessage();
    assert.deepEqual(none.content.map((b) => b.type), ['text']);
    const email = await clients.email.anthropic.messages.stream(params).finalMessage();
    assert.equal(email.content[0].type, 'thinking');
    assert.match((email.content[0] as any).thinking, /^\[Reasoning summary\]/);
    const emailJson = await clients.email.anthropic.messages.create(params);
    assert.match((emailJson.content[0] as any).thinking, /^\[Reasoning summary\]/);
    const noneJson = await clients.none.anthropic.messages.create(params);
    assert.deepEqual(noneJson.content.map((b) => b.type), ['text']);
  });

  test('events record reasoning tokens even when the caller did not see them', async () => {
    const t2 = await startTestGateway();
    const c = new OpenAI({ apiKey: t2.keyFor('acct_n', 'none'), baseURL: `${t2.gw.url}/v1`, maxRetries: 0 });
    const s = await c.chat.completions.create({ model: 'demo-reasoner', max_tokens: 500, stream: true, messages: [{ role: 'user', content: 'Why?' }] });
    for await (const _ of s) void _;
    const events = await t2.stopAndReadEvents();
    assert.equal(events.length, 1);
    assert.ok((events[0].response.reasoning_tokens ?? 0) > 10);
    assert.equal(events[0].response.finish_reason, 'stop');
  });
});
