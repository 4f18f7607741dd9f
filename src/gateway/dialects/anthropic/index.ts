// The Anthropic dialect: x-api-key, anthropic-version passed through, Anthropic error bodies, messages, models.
import { bearer } from '../openai/index.ts';
import type { Dialect, Endpoint } from '../types.ts';
import { anthropicErrorBody, anthropicStreamErrorEvent, isAnthropicErrorBody } from './errors.ts';
import { messages } from './messages.ts';

const models: Endpoint = { method: 'GET', path: '/v1/models', upstreamPath: '/v1/models' };

export const anthropic: Dialect = {
  name: 'anthropic',
  endpoints: [messages, models],
  apiKey: (headers) => {
    const key = headers['x-api-key'];
    if (typeof key === 'string' && key.length > 0) return key.trim();
    return bearer(headers.authorization);
  },
  upstreamAuthHeaders: (apiKey): Record<string, string> => (apiKey ? { 'x-api-key': apiKey } : {}),
  forwardedHeaders: ['anthropic-version', 'anthropic-beta'],
  errorBody: anthropicErrorBody,
  streamErrorEvent: anthropicStreamErrorEvent,
  isNativeErrorBody: isAnthropicErrorBody,
};
