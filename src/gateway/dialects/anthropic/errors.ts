// Anthropic's error shape: {"type":"error","error":{"type","message"}}.
import type { DgError } from '../../../errors.ts';
import { formatEvent } from '../../sse.ts';

export function anthropicErrorBody(err: DgError): unknown {
  return { type: 'error', error: { type: err.def.anthropicType, message: err.message } };
}

export function anthropicStreamErrorEvent(err: DgError): string {
  return formatEvent(JSON.stringify(anthropicErrorBody(err)), 'error');
}

export function isAnthropicErrorBody(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const b = body as { type?: unknown; error?: unknown };
  return b.type === 'error' && !!b.error && typeof b.error === 'object';
}
