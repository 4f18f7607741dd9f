// Parsed events as a flat array of primitives, for handing a chunk to analyze's engine thread. Copying between
// threads (structured clone) writes every property name of every object; a flat array in a fixed field order
// costs about half as much to copy in, and rebuilding the objects on the other side is cheap. Messages are not
// carried (the engine reads the prepared text instead); params, free-form, travel as their JSON.
import type { LogEventV1 } from '../events/types.ts';

const FIELDS = 18;
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
      e.endpoint, e.model, JSON.stringify(e.params),
      r.status, r.input_tokens, r.output_tokens, r.reasoning_tokens, r.finish_reason, r.latency_ms,
    );
  }
}

/** The number of events in an encoded array. */
export function encodedCount(a: readonly unknown[]): number {
  return a.length / FIELDS;
}

/** Rebuilds event `i` of an encoded array (messages empty). */
export function decodeEvent(a: readonly unknown[], i: number): LogEventV1 {
  const b = i * FIELDS;
  return {
    ts: a[b] as string,
    request_id: a[b + 1] as string,
    account_id: a[b + 2] as string,
    org_id: a[b + 3] as string | null,
    key_id: a[b + 4] as string | null,
    client: { ip: a[b + 5] as string, asn: a[b + 6] as number | null, user_agent: a[b + 7] as string | null, ja4: a[b + 8] as string | null },
    endpoint: a[b + 9] as string,
    model: a[b + 10] as string,
    params: JSON.parse(a[b + 11] as string) as Record<string, unknown>,
    messages: NO_MESSAGES,
    response: {
      status: a[b + 12] as number,
      input_tokens: a[b + 13] as number | null,
      output_tokens: a[b + 14] as number | null,
      reasoning_tokens: a[b + 15] as number | null,
      finish_reason: a[b + 16] as string | null,
      latency_ms: a[b + 17] as number | null,
    },
  };
}
