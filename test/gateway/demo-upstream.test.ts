import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { REPLAY_USAGE_HEADER, startDemoUpstream } from '../../src/gateway/demo-upstream.ts';

let demo: Awaited<ReturnType<typeof startDemoUpstream>>;
before(async () => {
  demo = await startDemoUpstream();
});
after(() => demo.close());

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, any>> {
  const res = await fetch(demo.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, any>;
}

const messages = [{ role: 'user', content: 'Explain photosynthesis.' }];

test('without the replay header the demo answers one sentence and reasons only when asked', async () => {
  const plain = await post('/v1/chat/completions', { model: 'demo', messages });
  assert.equal(plain.usage.completion_tokens_details.reasoning_tokens, 0);
  assert.ok(plain.usage.completion_tokens < 100);
  const reasoned = await post('/v1/chat/completions', { model: 'demo', messages, reasoning_effort: 'high' });
  assert.ok(reasoned.usage.completion_tokens_details.reasoning_tokens > 0);
});

test('the replay header sizes the answer and its reasoning to the logged usage, in every dialect', async () => {
  const header = { [REPLAY_USAGE_HEADER]: 'output=900,reasoning=2500' };
  const chat = await post('/v1/chat/completions', { model: 'demo', messages }, header);
  assert.equal(chat.usage.completion_tokens, 3400);
  assert.equal(chat.usage.completion_tokens_details.reasoning_tokens, 2500);
  assert.equal(chat.choices[0].message.content.length, 3600);

  const responses = await post('/v1/responses', { model: 'demo', input: 'Explain photosynthesis.' }, header);
  assert.equal(responses.usage.output_tokens, 3400);
  assert.equal(responses.usage.output_tokens_details.reasoning_tokens, 2500);

  const noReasoning = await post('/v1/chat/completions', { model: 'demo', messages, reasoning_effort: 'high' }, { [REPLAY_USAGE_HEADER]: 'output=40,reasoning=0' });
  assert.equal(noReasoning.usage.completion_tokens, 40);
  assert.equal(noReasoning.usage.completion_tokens_details.reasoning_tokens, 0);
});

test('a malformed replay header is ignored', async () => {
  const res = await post('/v1/chat/completions', { model: 'demo', messages }, { [REPLAY_USAGE_HEADER]: 'output=lots' });
  assert.ok(res.usage.completion_tokens < 100);
});
