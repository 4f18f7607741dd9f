// OpenAI's error shape: {"error":{"message","type","param","code"}}.
import type { DgError } from '../../../errors.ts';
import { formatEvent } from '../../sse.ts';

export function openaiErrorBody(err: DgError): unknown {
  return { error: { message: err.message, type: err.def.openaiType, param: err.param, code: err.code } };
}

export function openaiStreamErrorEvent(err: DgError): string {
  return formatEvent(JSON.stringify(openaiErrorBody(err)));
}

export function isOpenAiErrorBody(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const e = (body as { error?: unknown }).error;
  return !!e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string';
}
