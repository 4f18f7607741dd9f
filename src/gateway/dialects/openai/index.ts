// The OpenAI dialect: Authorization: Bearer keys, OpenAI error bodies, chat completions, responses, models.
import type { Dialect, Endpoint } from '../types.ts';
import { chatCompletions } from './chat.ts';
import { isOpenAiErrorBody, openaiErrorBody, openaiStreamErrorEvent } from './errors.ts';
import { responses } from './responses.ts';

const models: Endpoint = { method: 'GET', path: '/v1/models', upstreamPath: '/v1/models' };

function bearer(value: string | string[] | undefined): string | null {
  if (typeof value !== 'string') return null;
  const m = /^Bearer\s+(.+)$/i.exec(value.trim());
  return m ? m[1].trim() : null;
}

export const openai: Dialect = {
  name: 'openai',
  endpoints: [chatCompletions, responses, models],
  apiKey: (headers) => bearer(headers.authorization),
  upstreamAuthHeaders: (apiKey): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
  forwardedHeaders: ['openai-beta', 'openai-organization', 'openai-project'],
  errorBody: openaiErrorBody,
  streamErrorEvent: openaiStreamErrorEvent,
  isNativeErrorBody: isOpenAiErrorBody,
};

export { bearer };
