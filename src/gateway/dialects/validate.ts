// Small checks shared by the dialects' request parsers. Each throws a DgError naming the parameter,
// in the words the provider's own API would use.
import { DgError, ERRORS } from '../../errors.ts';

export type Body = Record<string, unknown>;

export function invalid(param: string, message: string): DgError {
  return new DgError(ERRORS.INVALID_REQUEST, message, { param });
}

export function requireObjectBody(body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DgError(ERRORS.INVALID_REQUEST, 'The request body must be a JSON object.');
  }
  return body as Body;
}

export function requireString(body: Body, field: string): string {
  const v = body[field];
  if (typeof v !== 'string' || v.length === 0) throw invalid(field, `'${field}' is required and must be a non-empty string.`);
  return v;
}

export function optionalInt(body: Body, field: string, min: number): number | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(field, `'${field}' must be an integer.`);
  if (v < min) throw invalid(field, `'${field}' must be at least ${min}.`);
  return v;
}

export function optionalNumber(body: Body, field: string): number | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(field, `'${field}' must be a number.`);
  return v;
}

export function optionalBool(body: Body, field: string): boolean | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'boolean') throw invalid(field, `'${field}' must be a boolean.`);
  return v;
}

export function optionalArray(body: Body, field: string): unknown[] | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw invalid(field, `'${field}' must be an array.`);
  return v;
}

export function optionalObject(body: Body, field: string): Body | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(field, `'${field}' must be an object.`);
  return v as Body;
}

/** Joins the text parts of a message's content (string, or an array of parts with `text`). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content) {
    if (typeof part === 'string') out += (out ? '\n' : '') + part;
    else if (part && typeof part === 'object' && typeof (part as Body).text === 'string') {
      out += (out ? '\n' : '') + ((part as Body).text as string);
    }
  }
  return out;
}

/** A rough token count (≈ 4 characters per token) used only to reserve rate-limit budget up front. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** Total characters of the text in a JSON value, walking arrays and objects (bounded by the body limit). */
export function textLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) {
    let n = 0;
    for (const v of value) n += textLength(v);
    return n;
  }
  if (value && typeof value === 'object') {
    let n = 0;
    for (const k in value as Body) n += textLength((value as Body)[k]);
    return n;
  }
  return 0;
}

export function toNumberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
