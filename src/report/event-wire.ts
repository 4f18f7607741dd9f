// Parsed events in a compact form, for handing a chunk to analyze's engine thread. Copying between threads
// (structured clone) costs per item: an event object writes every property name and value. Here a chunk is a
// table of distinct strings (account ids, models, user agents… repeat within a chunk), string references and
// numbers in typed arrays (copied as blocks of memory), and the params the engine reads as one typed slot per
// event and param name (numbers, strings, booleans and null inline; other values, rare, in a plain array); the
// engine rebuilds plain objects, which is cheap. Messages are not carried (the engine reads the prepared
// text), nor are the params no signal reads (tool schemas, response formats: most of the params' bytes).
import type { LogEventV1 } from '../events/types.ts';

/** String fields per event in `refs` (-1: null) */
const STRS = 11;
/** Number fields per event in `nums` (NaN: null): asn, status, input, output, reasoning, latency */
const NUMS = 6;
const NO_MESSAGES: LogEventV1['messages'] = [];
/** Codes of a params value in `paramCodes` (a value >= 0 is a string reference) */
const PARAM_ABSENT = -1;
const PARAM_NUMBER = -2;
const PARAM_TRUE = -3;
const PARAM_FALSE = -4;
const PARAM_NULL = -5;
/** the next value of `paramOthers` (objects, arrays) */
const PARAM_OTHER = -6;

export interface EncodedEvents {
  count: number;
  strings: string[];
  refs: Int32Array;
  nums: Float64Array;
  /** the params names carried, in slot order */
  paramKeys: readonly string[];
  /** per event, per name of paramKeys: the value's code (a string reference or PARAM_*) */
  paramCodes: Int32Array;
  /** per event, per name of paramKeys: the value when it is a number */
  paramNums: Float64Array;
  /** the values coded PARAM_OTHER, in order */
  paramOthers: unknown[];
}

/** Encodes `events` (as parsed and validated by events/parse.ts) with the params named in `paramKeys` only, messages left out. */
export function encodeEvents(events: readonly LogEventV1[], paramKeys: readonly string[]): EncodedEvents {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const ref = (s: string | null | undefined): number => {
    if (s === null || s === undefined) return -1;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const unique = (s: string): number => strings.push(s) - 1; // ts and request ids rarely repeat
  const num = (n: number | null | undefined): number => (n === null || n === undefined ? NaN : n);
  const keys = paramKeys.length;
  const refs = new Int32Array(events.length * STRS);
  const nums = new Float64Array(events.length * NUMS);
  const paramCodes = new Int32Array(events.length * keys);
  const paramNums = new Float64Array(events.length * keys);
  const paramOthers: unknown[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const c = e.client;
    const r = e.response;
    let s = i * STRS;
    refs[s++] = unique(e.ts);
    refs[s++] = unique(e.request_id);
    refs[s++] = ref(e.account_id);
    refs[s++] = ref(e.org_id);
    refs[s++] = ref(e.key_id);
    refs[s++] = ref(c.ip);
    refs[s++] = ref(c.user_agent);
    refs[s++] = ref(c.ja4);
    refs[s++] = ref(e.endpoint);
    refs[s++] = ref(e.model);
    refs[s++] = ref(r.finish_reason);
    let n = i * NUMS;
    nums[n++] = num(c.asn);
    nums[n++] = r.status;
    nums[n++] = num(r.input_tokens);
    nums[n++] = num(r.output_tokens);
    nums[n++] = num(r.reasoning_tokens);
    nums[n] = num(r.latency_ms);
    for (let k = 0, slot = i * keys; k < keys; k++, slot++) {
      const key = paramKeys[k]!;
      // JSON has no undefined: undefined is a name the request does not send (or one only the prototype has)
      let v = e.params[key];
      if (v !== undefined && !Object.hasOwn(e.params, key)) v = undefined;
      let code: number;
      if (v === undefined) code = PARAM_ABSENT;
      else if (typeof v === 'number') {
        code = PARAM_NUMBER;
        paramNums[slot] = v;
      } else if (typeof v === 'string') code = ref(v);
      else if (v === true) code = PARAM_TRUE;
      else if (v === false) code = PARAM_FALSE;
      else if (v === null) code = PARAM_NULL;
      else {
        code = PARAM_OTHER;
        paramOthers.push(v);
      }
      paramCodes[slot] = code;
    }
  }
  return { count: events.length, strings, refs, nums, paramKeys, paramCodes, paramNums, paramOthers };
}

/** Rebuilds the events of an encoded chunk in order (messages empty), calling `each` with every one. */
export function decodeEvents(c: EncodedEvents, each: (ev: LogEventV1, i: number) => void): void {
  const { strings, refs, nums, paramKeys, paramCodes, paramNums, paramOthers } = c;
  const keys = paramKeys.length;
  const str = (i: number): string | null => (i < 0 ? null : strings[i]!);
  const num = (x: number): number | null => (Number.isNaN(x) ? null : x);
  let other = 0;
  for (let i = 0; i < c.count; i++) {
    const s = i * STRS;
    const n = i * NUMS;
    const params: Record<string, unknown> = {};
    for (let k = 0, slot = i * keys; k < keys; k++, slot++) {
      const code = paramCodes[slot]!;
      if (code === PARAM_ABSENT) continue;
      params[paramKeys[k]!] =
        code >= 0 ? strings[code]
        : code === PARAM_NUMBER ? paramNums[slot]
        : code === PARAM_TRUE ? true
        : code === PARAM_FALSE ? false
        : code === PARAM_NULL ? null
        : paramOthers[other++];
    }
    each(
      {
        ts: strings[refs[s]!]!,
        request_id: strings[refs[s + 1]!]!,
        account_id: strings[refs[s + 2]!]!,
        org_id: str(refs[s + 3]!),
        key_id: str(refs[s + 4]!),
        client: { ip: strings[refs[s + 5]!]!, asn: num(nums[n]!), user_agent: str(refs[s + 6]!), ja4: str(refs[s + 7]!) },
        endpoint: strings[refs[s + 8]!]!,
        model: strings[refs[s + 9]!]!,
        params,
        messages: NO_MESSAGES,
        response: {
          status: nums[n + 1]!,
          input_tokens: num(nums[n + 2]!),
          output_tokens: num(nums[n + 3]!),
          reasoning_tokens: num(nums[n + 4]!),
          finish_reason: str(refs[s + 10]!),
          latency_ms: num(nums[n + 5]!),
        },
      },
      i,
    );
  }
}
