// Parsed events as a flat array of primitives, for handing a chunk to analyze's engine thread. Copying between
// threads (structured clone) writes every property name of every object; a flat array in a fixed field order
// costs about half as much to copy in, and rebuilding the objects on the other side is cheap. Messages are not
// carried (the engine reads the prepared text instead). params, free-form, travel as their key count followed
// by key, value pairs (values as they are: nested ones are copied like any object), so an encoded event is
// FIELDS slots plus 2 per params key; decodeEvents walks them in order.
import type { LogEventV1 } from '../events/types.ts';

const FIELDS = 18; // params: key count, then the pairs
const NO_MESSAGES: LogEventV1['messages'] = [];

/** Appends `events` (as parsed and validated by events/parse.ts) to `out`, messages left out. */
export function encodeEvents(events: readonly LogEventV1[], out: unknown[]): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const c = e.client;
    const r = e.response;
    out.push(
      e.ts, e.request_id, e.account_id, e.org_id, e.key_id,
      c.ip, c.asn, c.user_agent, c.ja4,
      e.endpoint, e.model, paramsCount(e.params),
      r.status, r.input_tokens, r.output_tokens, r.reasoning_tokens, r.finish_reason, r.latency_ms,
    );
    for (const key in e.params) if (Object.hasOwn(e.params, key)) out.push(key, e.params[key]);
  }
}

function paramsCount(params: Record<string, unknown>): number {
  let n = 0;
  for (const key in params) if (Object.hasOwn(params, key)) n++;
  return n;
}

/** Rebuilds the events of an encoded array in order (messages empty), calling `each` with every one. */
export function decodeEvents(a: readonly unknown[], each: (ev: LogEventV1, i: number) => void): void {
  let b = 0;
  for (let i = 0; b < a.length; i++) {
    const paramCount = a[b + 11] as number;
    const params: Record<string, unknown> = {};
    let p = b + FIELDS;
    for (let k = 0; k < paramCount; k++, p += 2) params[a[p] as string] = a[p + 1];
    each(
      {
        ts: a[b] as string,
        request_id: a[b + 1] as string,
        account_id: a[b + 2] as string,
        org_id: a[b + 3] as string | null,
        key_id: a[b + 4] as string | null,
        client: { ip: a[b + 5] as string, asn: a[b + 6] as number | null, user_agent: a[b + 7] as string | null, ja4: a[b + 8] as string | null },
        endpoint: a[b + 9] as string,
        model: a[b + 10] as string,
        params,
        messages: NO_MESSAGES,
        response: {
          status: a[b + 12] as number,
          input_tokens: a[b + 13] as number | null,
          output_tokens: a[b + 14] as number | null,
          reasoning_tokens: a[b + 15] as number | null,
          finish_reason: a[b + 16] as string | null,
          latency_ms: a[b + 17] as number | null,
        },
      },
      i,
    );
    b = p;
  }
}
