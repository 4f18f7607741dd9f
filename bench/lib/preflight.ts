// One request per target and mode before any load: a target that answers wrongly is reported, not measured.
import { REQUEST_BODY, type Mode } from './payloads.ts';
import type { RunningTarget } from './targets.ts';

/** Returns null when the target answered a well-formed completion, else what was wrong. */
export async function preflight(target: RunningTarget, mode: Mode): Promise<string | null> {
  let res: Response;
  try {
    res = await fetch(target.origin + target.path, {
      method: 'POST',
      headers: target.headers,
      body: REQUEST_BODY[mode],
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    return `request failed: ${(err as Error).message}`;
  }
  const text = await res.text();
  if (res.status !== 200) return `status ${res.status}: ${text.slice(0, 300)}`;
  if (mode === 'json') {
    try {
      const body = JSON.parse(text) as { choices?: { message?: { content?: unknown } }[]; usage?: unknown };
      if (typeof body.choices?.[0]?.message?.content !== 'string') return 'JSON response has no choices[0].message.content';
      if (!body.usage) return 'JSON response has no usage';
    } catch {
      return `response is not JSON: ${text.slice(0, 200)}`;
    }
    return null;
  }
  const contentType = res.headers.get('content-type') ?? '';
  if (!contentType.startsWith('text/event-stream')) return `stream has content-type ${contentType}`;
  if (!/"usage":\{"prompt_tokens":\d+/.test(text)) return 'stream carries no usage chunk';
  if (!text.trimEnd().endsWith('data: [DONE]')) return 'stream does not end with data: [DONE]';
  return null;
}
