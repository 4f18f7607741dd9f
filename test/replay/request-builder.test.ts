import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEventV1 } from '../../src/events/types.ts';
import { buildReplayRequest, dialectOf } from '../../src/replay/request-builder.ts';

function event(endpoint: string, params: Record<string, unknown>): LogEventV1 {
  return {
    ts: '2026-10-01T10:00:00.000Z',
    request_id: 'req_1',
    account_id: 'acct_1',
    client: { ip: '203.0.113.7', user_agent: 'Anthropic/Python 0.40.0', ja4: 't13d_abc' },
    endpoint,
    model: 'frontier-large',
    params,
    messages: [
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Explain heaps.' },
    ],
    response: { status: 200, output_tokens: 10, reasoning_tokens: 20 },
  };
}

test('chat completions are sent with a Bearer key, the messages as logged and every param', () => {
  const params = { max_tokens: 800, stream: true, logprobs: true, top_logprobs: 5, logit_bias: { '50256': -100 }, n: 2, tools: [{ type: 'function' }], user: 'u1', reasoning_effort: 'high' };
  const req = buildReplayRequest(event('/v1/chat/completions', params), 'dg-secret');
  assert.equal(req.path, '/v1/chat/completions');
  assert.equal(req.headers.authorization, 'Bearer dg-secret');
  assert.equal(req.headers['x-api-key'], undefined);
  const body = JSON.parse(req.body);
  assert.deepEqual(body, { model: 'frontier-large', ...params, messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Explain heaps.' }] });
});

test('every request carries the replay time, the user agent, the JA4 and the logged address', () => {
  const req = buildReplayRequest(event('/v1/chat/completions', {}), 's');
  assert.equal(req.headers['x-distillguard-replay-ts'], '2026-10-01T10:00:00.000Z');
  assert.equal(req.headers['user-agent'], 'Anthropic/Python 0.40.0');
  assert.equal(req.headers['x-ja4'], 't13d_abc');
  assert.equal(req.headers['x-forwarded-for'], '203.0.113.7');
});

test('anthropic messages take x-api-key and anthropic-version, the system prompt as system, and need max_tokens', () => {
  const req = buildReplayRequest(event('/v1/messages', { thinking: { type: 'enabled', budget_tokens: 2000 }, stream: false }), 'dg-secret');
  assert.equal(req.path, '/v1/messages');
  assert.equal(req.headers['x-api-key'], 'dg-secret');
  assert.equal(req.headers['anthropic-version'], '2023-06-01');
  assert.equal(req.headers.authorization, undefined);
  const body = JSON.parse(req.body);
  assert.equal(body.system, 'Be terse.');
  assert.deepEqual(body.messages, [{ role: 'user', content: 'Explain heaps.' }]);
  assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2000 });
  assert.equal(typeof body.max_tokens, 'number');
});

test('responses take the conversation as input and the system prompt as instructions', () => {
  const req = buildReplayRequest(event('/v1/responses', { max_output_tokens: 500, reasoning: { effort: 'high' } }), 'dg-secret');
  assert.equal(req.path, '/v1/responses');
  assert.equal(req.headers.authorization, 'Bearer dg-secret');
  const body = JSON.parse(req.body);
  assert.equal(body.instructions, 'Be terse.');
  assert.deepEqual(body.input, [{ role: 'user', content: 'Explain heaps.' }]);
  assert.equal(body.max_output_tokens, 500);
  assert.deepEqual(body.reasoning, { effort: 'high' });
});

test('older endpoints are replayed as chat completions', () => {
  assert.equal(dialectOf('/v1/completions'), 'openai-chat');
  assert.equal(dialectOf('/v1/messages'), 'anthropic-messages');
});
