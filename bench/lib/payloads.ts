// The chat completion request every target receives: a system prompt and a user question of realistic size.

export type Mode = 'json' | 'sse';
export const MODES: readonly Mode[] = ['json', 'sse'];

export const CHAT_PATH = '/v1/chat/completions';

const baseRequest = {
  model: 'gpt-4o-mini',
  messages: [
    {
      role: 'system',
      content:
        'You are a concise assistant for an API platform team. Answer in plain prose, at most two paragraphs, ' +
        'and say so when you are unsure.',
    },
    {
      role: 'user',
      content:
        'Our model API is being used by many new accounts that each stay under the per-account rate limit but ' +
        'together send a very large, narrow set of prompts asking for step-by-step reasoning. Why do per-account ' +
        'limits not stop this, and what should we look at instead?',
    },
  ],
  max_tokens: 256,
  temperature: 0.7,
};

export const REQUEST_BODY: Record<Mode, string> = {
  json: JSON.stringify(baseRequest),
  sse: JSON.stringify({ ...baseRequest, stream: true, stream_options: { include_usage: true } }),
};
