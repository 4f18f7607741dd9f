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

/**
 * A chunk's table of distinct strings. A class rather than closures made per call: the reader encodes every
 * chunk with the same functions, so V8's optimized encodeEvents keeps its inlined calls from chunk to chunk.
 */
class StringTable {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();

  /** The string's reference, -1 for null or undefined. */
  ref(s: string | null | undefined): number {
    if (s === null || s === undefined) return -1;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  /** A string that rarely repeats (ts, request ids): stored without a lookup. */
  unique(s: string): number {
    return this.strings.push(s) - 1;
  }
}

function numOrNaN(n: number | null | undefined): number {
  return n === null || n === undefined ? NaN : n;
}

/** Encodes `events` (as parsed and validated by events/parse.ts) with the params named in `paramKeys` only, messages left out. */
export function encodeEvents(events: readonly LogEventV1[], paramKeys: readonly string[]): EncodedEvents {
  const table = new StringTable();
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
    refs[s++] = table.unique(e.ts);
    refs[s++] = table.unique(e.request_id);
    refs[s++] = table.ref(e.account_id);
    refs[s++] = table.ref(e.org_id);
    refs[s++] = table.ref(e.key_id);
    refs[s++] = table.ref(c.ip);
    refs[s++] = table.ref(c.user_agent);
    refs[s++] = table.ref(c.ja4);
    refs[s++] = table.ref(e.endpoint);
    refs[s++] = table.ref(e.model);
    refs[s++] = table.ref(r.finish_reason);
    let n = i * NUMS;
    nums[n++] = numOrNaN(c.asn);
    nums[n++] = r.status;
    nums[n++] = numOrNaN(r.input_tokens);
    nums[n++] = numOrNaN(r.output_tokens);
    nums[n++] = numOrNaN(r.reasoning_tokens);
    nums[n] = numOrNaN(r.latency_ms);
    encodeParams(e.params, paramKeys, i * keys, table, paramCodes, paramNums, paramOthers);
  }
  return { count: events.length, strings: table.strings, refs, nums, paramKeys, paramCodes, paramNums, paramOthers };
}

/**
 * Writes the slots of one event's params from `slot` on. A function of its own: the params' values (numbers
 * of either kind, `logit_bias` objects of many shapes) keep changing what V8 has seen here, and each change sends
 * the optimized code back to be compiled again; inside encodeEvents, every such change recompiled all of it.
 */
function encodeParams(
  params: LogEventV1['params'],
  paramKeys: readonly string[],
  slot: number,
  table: StringTable,
  paramCodes: Int32Array,
  paramNums: Float64Array,
  paramOthers: unknown[],
): void {
  for (let k = 0; k < paramKeys.length; k++, slot++) {
    const key = paramKeys[k]!;
    // JSON has no undefined: undefined is a name the request does not send (or one only the prototype has)
    let v = params[key];
    if (v !== undefined && !Object.hasOwn(params, key)) v = undefined;
    // by typeof first: the values' shapes vary (logit_bias objects), and comparing one with true or null
    // would make V8 check maps it has not seen and recompile the function
    let code: number;
    switch (typeof v) {
      case 'undefined':
        code = PARAM_ABSENT;
        break;
      case 'number':
        code = PARAM_NUMBER;
        paramNums[slot] = v as number;
        break;
      case 'string':
        code = table.ref(v as string);
        break;
      case 'boolean':
        code = v === true ? PARAM_TRUE : PARAM_FALSE;
        break;
      default:
        if (v === null) code = PARAM_NULL;
        else {
          code = PARAM_OTHER;
          paramOthers.push(v);
        }
    }
    paramCodes[slot] = code;
  }
}

/** The params values coded by a constant, indexed by -code. */
const PARAM_CONSTANTS: readonly unknown[] = (() => {
  const t: unknown[] = [];
  t[-PARAM_TRUE] = true;
  t[-PARAM_FALSE] = false;
  t[-PARAM_NULL] = null;
  return t;
})();

function nullIfNaN(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}

/**
 * Reads the events of an encoded chunk back (messages empty), one at a time and in order (the params values
 * coded PARAM_OTHER are read in sequence). Every call fills the same event object (and its `client` and
 * `response`), so a chunk allocates one params object per event and nothing else: the engine keeps no part
 * of an event past its ingest (it keeps the strings, which are the chunk's own).
 */
export class EventDecoder {
  private other = 0;
  private readonly ev: LogEventV1 = {
    ts: '',
    request_id: '',
    account_id: '',
    org_id: null,
    key_id: null,
    client: { ip: '', asn: null, user_agent: null, ja4: null },
    endpoint: '',
    model: '',
    params: {},
    messages: NO_MESSAGES,
    response: { status: 0, input_tokens: null, output_tokens: null, reasoning_tokens: null, finish_reason: null, latency_ms: null },
  };

  constructor(private readonly c: EncodedEvents) {}

  get count(): number {
    return this.c.count;
  }

  /** Event `i`; call with i = 0, 1, 2… The object is the decoder's own and holds event `i` until the next call. */
  event(i: number): LogEventV1 {
    const { strings, refs, nums } = this.c;
    const s = i * STRS;
    const n = i * NUMS;
    const ev = this.ev;
    ev.ts = strings[refs[s]!]!;
    ev.request_id = strings[refs[s + 1]!]!;
    ev.account_id = strings[refs[s + 2]!]!;
    ev.org_id = stringOrNull(strings, refs[s + 3]!);
    ev.key_id = stringOrNull(strings, refs[s + 4]!);
    const c = ev.client;
    c.ip = strings[refs[s + 5]!]!;
    c.asn = nullIfNaN(nums[n]!);
    c.user_agent = stringOrNull(strings, refs[s + 6]!);
    c.ja4 = stringOrNull(strings, refs[s + 7]!);
    ev.endpoint = strings[refs[s + 8]!]!;
    ev.model = strings[refs[s + 9]!]!;
    ev.params = this.params(i);
    const r = ev.response;
    r.status = nums[n + 1]!;
    r.input_tokens = nullIfNaN(nums[n + 2]!);
    r.output_tokens = nullIfNaN(nums[n + 3]!);
    r.reasoning_tokens = nullIfNaN(nums[n + 4]!);
    r.finish_reason = stringOrNull(strings, refs[s + 10]!);
    r.latency_ms = nullIfNaN(nums[n + 5]!);
    return ev;
  }

  private params(i: number): Record<string, unknown> {
    const { strings, paramKeys, paramCodes, paramNums } = this.c;
    const keys = paramKeys.length;
    const params: Record<string, unknown> = {};
    for (let k = 0, slot = i * keys; k < keys; k++, slot++) {
      const code = paramCodes[slot]!;
      if (code === PARAM_ABSENT) continue;
      params[paramKeys[k]!] =
        code >= 0 ? strings[code]
        : code === PARAM_NUMBER ? paramNums[slot]
        : code === PARAM_OTHER ? this.c.paramOthers[this.other++]
        : PARAM_CONSTANTS[-code];
    }
    return params;
  }
}

function stringOrNull(strings: readonly string[], ref: number): string | null {
  return ref < 0 ? null : strings[ref]!;
}
