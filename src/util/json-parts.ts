// A large JSON state written as a head and parts: one JSON string of it would pass V8's limit on the length of
// a string (~512 MB; a detector snapshot takes ~6 KB per account, so near 90k accounts). The head is the state
// with its long top-level arrays emptied; each part holds a run of one of them, in order.

export interface JsonPart {
  field: string;
  items: unknown[];
}

/** Items of one array per part by default: ~12 MB of JSON for detector accounts. */
export const PART_ITEMS = 2_000;

/** Cuts the top-level arrays of `state` longer than `partItems` into parts; the head keeps them empty. */
export function splitLongArrays(state: unknown, partItems = PART_ITEMS): { head: unknown; parts: JsonPart[] } {
  const parts: JsonPart[] = [];
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return { head: state, parts };
  const head: Record<string, unknown> = { ...(state as Record<string, unknown>) };
  for (const [field, value] of Object.entries(head)) {
    if (!Array.isArray(value) || value.length <= partItems) continue;
    head[field] = [];
    for (let i = 0; i < value.length; i += partItems) parts.push({ field, items: value.slice(i, i + partItems) });
  }
  return { head, parts };
}

/** A value read as a part that is none, or a part of an array its head does not have. */
export class JsonPartError extends Error {}

/** Puts a part back into the head it was cut from (parts in their order). */
export function appendPart(head: unknown, part: JsonPart): void {
  if (typeof part?.field !== 'string' || !Array.isArray(part.items)) throw new JsonPartError('not a part: expected {field, items}');
  const list = head !== null && typeof head === 'object' ? (head as Record<string, unknown>)[part.field] : undefined;
  if (!Array.isArray(list)) throw new JsonPartError(`part of "${part.field}", which the head has no array for`);
  for (const item of part.items) list.push(item);
}
