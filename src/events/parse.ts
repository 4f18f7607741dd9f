// Parsing and validation of log format v1 lines (specs/event-log-v1.md).
// `analyze` runs this on millions of lines, so the checks are written by hand (no schema library),
// each value is read once, and the result reuses the parsed JSON's arrays and `params` object.
// Events and accounts come out with a fixed shape (every optional field present, null when missing),
// which keeps the detector's property accesses monomorphic.
import { isIP } from 'node:net';
import type { AccountRecordV1, ChatMessage, LogEventV1, VerificationTier } from './types.ts';

export type ParseFailure = { ok: false; field: string | null; message: string };
/** `tsMs` is `ts` as epoch milliseconds, computed during validation so callers need not parse it again. */
export type EventParseResult = { ok: true; event: LogEventV1; tsMs: number } | ParseFailure;
export type AccountParseResult = { ok: true; account: AccountRecordV1 } | ParseFailure;

type Json = Record<string, unknown>;

/** Thrown inside the validators and turned into a ParseFailure at the boundary (one try per line). */
class FieldError {
  constructor(
    readonly field: string,
    readonly message: string,
  ) {}
}

function fail(field: string, expected: string): never {
  throw new FieldError(field, `${field}: expected ${expected}`);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requiredString(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0) fail(field, 'a non-empty string');
  return v;
}

function optionalString(v: unknown, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') fail(field, 'a string');
  return v;
}

function optionalCount(v: unknown, field: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(field, 'a non-negative integer');
  return v;
}

function requiredIp(v: unknown, field: string): string {
  if (typeof v !== 'string' || isIP(v) === 0) fail(field, 'an IPv4 or IPv6 address');
  return v;
}

function requiredTimestamp(v: unknown, field: string): number {
  const ms = typeof v === 'string' ? parseRfc3339(v) : NaN;
  if (Number.isNaN(ms)) fail(field, 'an RFC 3339 timestamp (e.g. 2026-10-01T00:00:05.423Z)');
  return ms;
}

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, `T` or a space) to epoch ms; NaN when invalid.
 * Stricter than Date.parse, which accepts February 30th and other dialects.
 */
export function parseRfc3339(s: string): number {
  if (s.length < 20) return NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  const sep = s.charCodeAt(10);
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
    second < 0 || second > 60 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 || (sep !== 84 && sep !== 116 && sep !== 32) || day > daysInMonth(year, month)
  ) {
    return NaN;
  }
  let i = 19;
  let millis = 0;
  if (s.charCodeAt(i) === 46) {
    // fraction: keep millisecond precision, ignore further digits
    i++;
    const start = i;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
      if (i - start < 3) millis = millis * 10 + (s.charCodeAt(i) - 48);
      i++;
    }
    if (i === start) return NaN;
    for (let k = i - start; k < 3; k++) millis *= 10;
  }
  let offsetMinutes = 0;
  const zone = s.charCodeAt(i);
  if (zone === 90 || zone === 122) {
    if (i + 1 !== s.length) return NaN;
  } else if (zone === 43 || zone === 45) {
    if (i + 6 !== s.length || s.charCodeAt(i + 3) !== 58) return NaN;
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
    offsetMinutes = (zone === 43 ? 1 : -1) * (oh * 60 + om);
  } else {
    return NaN;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** Text of a message: a string, or an array of parts whose text parts are joined with newlines. */
function messageContent(v: unknown, field: string): string {
  if (typeof v === 'string') return v;
  // an assistant turn that only called tools carries null content in the OpenAI shape
  if (v === null) return '';
  if (!Array.isArray(v)) fail(field, 'a string or an array of text parts');
  let text = '';
  let first = true;
  for (let i = 0; i < v.length; i++) {
    const part = v[i];
    let piece: string;
    if (typeof part === 'string') {
      piece = part;
    } else if (isObject(part)) {
      // non-text parts (images, tool calls, tool results) carry no prompt text of their own
      if (part.type !== undefined && part.type !== 'text' && part.type !== 'input_text' && part.type !== 'output_text') continue;
      if (typeof part.text !== 'string') fail(`${field}[${i}].text`, 'a string');
      piece = part.text;
    } else {
      fail(`${field}[${i}]`, 'a string or a content part object');
    }
    text = first ? piece : text + '\n' + piece;
    first = false;
  }
  return text;
}

function messagesOf(v: unknown): ChatMessage[] {
  if (!Array.isArray(v)) fail('messages', 'an array of {role, content}');
  for (let i = 0; i < v.length; i++) {
    const m = v[i];
    if (!isObject(m)) fail(`messages[${i}]`, 'an object {role, content}');
    if (typeof m.role !== 'string') fail(`messages[${i}].role`, 'a string');
    if (typeof m.content !== 'string') m.content = messageContent(m.content, `messages[${i}].content`);
  }
  // validated in place: the parsed array is the result (extra keys on messages are left, not copied away)
  return v as ChatMessage[];
}

function validateEvent(o: unknown): { event: LogEventV1; tsMs: number } {
  if (!isObject(o)) throw new FieldError('', 'expected a JSON object');
  const tsMs = requiredTimestamp(o.ts, 'ts');
  const client = o.client;
  if (!isObject(client)) fail('client', 'an object');
  const params = o.params;
  if (!isObject(params)) fail('params', 'an object');
  const response = o.response;
  if (!isObject(response)) fail('response', 'an object');
  const status = response.status;
  if (typeof status !== 'number' || !Number.isInteger(status)) fail('response.status', 'an integer');
  const event: LogEventV1 = {
    ts: o.ts as string,
    request_id: requiredString(o.request_id, 'request_id'),
    account_id: requiredString(o.account_id, 'account_id'),
    org_id: optionalString(o.org_id, 'org_id'),
    key_id: optionalString(o.key_id, 'key_id'),
    client: {
      ip: requiredIp(client.ip, 'client.ip'),
      asn: optionalCount(client.asn, 'client.asn'),
      user_agent: optionalString(client.user_agent, 'client.user_agent'),
      ja4: optionalString(client.ja4, 'client.ja4'),
    },
    endpoint: requiredString(o.endpoint, 'endpoint'),
    model: requiredString(o.model, 'model'),
    params,
    messages: messagesOf(o.messages),
    response: {
      status,
      input_tokens: optionalCount(response.input_tokens, 'response.input_tokens'),
      output_tokens: optionalCount(response.output_tokens, 'response.output_tokens'),
      reasoning_tokens: optionalCount(response.reasoning_tokens, 'response.reasoning_tokens'),
      finish_reason: optionalString(response.finish_reason, 'response.finish_reason'),
      latency_ms: optionalCount(response.latency_ms, 'response.latency_ms'),
    },
  };
  return { event, tsMs };
}

const TIERS: ReadonlySet<string> = new Set<VerificationTier>(['none', 'email', 'phone', 'id', 'org']);

function validateAccount(o: unknown): AccountRecordV1 {
  if (!isObject(o)) throw new FieldError('', 'expected a JSON object');
  const createdAt = optionalString(o.created_at, 'created_at');
  if (createdAt !== null && Number.isNaN(parseRfc3339(createdAt))) fail('created_at', 'an RFC 3339 timestamp');
  const signupIp = optionalString(o.signup_ip, 'signup_ip');
  if (signupIp !== null && isIP(signupIp) === 0) fail('signup_ip', 'an IPv4 or IPv6 address');
  const verification = optionalString(o.verification, 'verification');
  if (verification !== null && !TIERS.has(verification)) fail('verification', 'one of none, email, phone, id, org');
  return {
    account_id: requiredString(o.account_id, 'account_id'),
    org_id: optionalString(o.org_id, 'org_id'),
    created_at: createdAt,
    email_domain: optionalString(o.email_domain, 'email_domain'),
    email_hash: optionalString(o.email_hash, 'email_hash'),
    email_local_shape: optionalString(o.email_local_shape, 'email_local_shape'),
    payment_fingerprint: optionalString(o.payment_fingerprint, 'payment_fingerprint'),
    signup_ip: signupIp,
    verification: verification as VerificationTier | null,
    declared_use_case: optionalString(o.declared_use_case, 'declared_use_case'),
  };
}

function toFailure(err: unknown): ParseFailure {
  if (err instanceof FieldError) return { ok: false, field: err.field === '' ? null : err.field, message: err.message };
  throw err;
}

function invalidJson(err: unknown): ParseFailure {
  return { ok: false, field: null, message: `invalid JSON: ${(err as Error).message}` };
}

/** Parses and validates one events.jsonl line. Unknown fields are ignored; missing optional fields read as null. */
export function parseEventLine(line: string): EventParseResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return invalidJson(err);
  }
  return validateEventValue(value);
}

/** Validates an already-parsed value as a log v1 event (for callers that hold JSON, not text). */
export function validateEventValue(value: unknown): EventParseResult {
  try {
    const { event, tsMs } = validateEvent(value);
    return { ok: true, event, tsMs };
  } catch (err) {
    return toFailure(err);
  }
}

/** Parses and validates one accounts.jsonl line. */
export function parseAccountLine(line: string): AccountParseResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return invalidJson(err);
  }
  try {
    return { ok: true, account: validateAccount(value) };
  } catch (err) {
    return toFailure(err);
  }
}
