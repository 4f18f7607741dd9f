// Finds where values stand in a JSON text without building it: the gateway needs a few fields of an upstream
// answer (usage, finish reasons, the answer text) and parsing the whole answer into objects, only to send the
// same bytes on, costs more than the rest of its own work on a request. The skimmer walks the text once,
// jumping over string contents with indexOf, and reports each value with its path and its [start, end) span;
// the caller parses only the spans it wants (JSON.parse of a slice) or splices new text in their place.
import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, isSpace, OPEN_ARRAY, OPEN_OBJECT, QUOTE, scalarEnd, skipSpace } from './json-scan.ts';

/** The keys (object members) and indices (array elements) from the root down to a value. */
export type JsonPath = readonly (string | number)[];

/**
 * Called once per value, after its end is known (a container after its children), with the path to it
 * (the skimmer's own stack: read it during the call, do not keep it) and its span in the text.
 */
export type SkimVisitor = (path: JsonPath, start: number, end: number) => void;

/** Chars of a string looked at one by one before handing the search to indexOf (keys are short). */
const SHORT_STRING = 24;

/** Index just past the string whose opening quote is at `at`, or -1 when it never closes. */
function stringEnd(text: string, at: number): number {
  const stop = Math.min(text.length, at + SHORT_STRING);
  for (let i = at + 1; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) i++;
  }
  let i = stop;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return -1;
    // A quote preceded by an odd run of backslashes is escaped and does not close the string.
    let backslashes = 0;
    for (let j = q - 1; j > at && text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if ((backslashes & 1) === 0) return q + 1;
    i = q + 1;
  }
}

/** Reads `"key" :` at `i`, pushes the key onto `path` and returns the index after the colon; -1 if malformed. */
function readKey(text: string, i: number, path: (string | number)[]): number {
  if (text.charCodeAt(i) !== QUOTE) return -1;
  const end = stringEnd(text, i);
  if (end < 0) return -1;
  let key = text.slice(i + 1, end - 1);
  if (key.includes('\\')) {
    try {
      key = JSON.parse(text.slice(i, end)) as string;
    } catch {
      return -1;
    }
  }
  i = skipSpace(text, end);
  if (text.charCodeAt(i) !== COLON) return -1;
  path.push(key);
  return i + 1;
}

/** A member of the root object where a walk can start, found by `rootMember`. */
export interface RootMember {
  rootStart: number;
  keyStart: number;
}

/**
 * Where the root object's member `key` starts, when that can be told without walking the members before it:
 * the text opens an object and holds no bracket before the key, so whatever precedes the key is flat members
 * of the root (a key in a string value would have its quotes escaped). Null otherwise (walk the whole text).
 * For answers whose fields of interest come after a run of flat metadata (every OpenAI stream chunk).
 */
export function rootMember(text: string, key: string): RootMember | null {
  const rootStart = skipSpace(text, 0);
  if (text.charCodeAt(rootStart) !== OPEN_OBJECT) return null;
  const keyStart = text.indexOf(`"${key}"`, rootStart + 1);
  if (keyStart < 0) return null;
  const nextObject = text.indexOf('{', rootStart + 1);
  const nextArray = text.indexOf('[', rootStart + 1);
  if ((nextObject >= 0 && nextObject < keyStart) || (nextArray >= 0 && nextArray < keyStart)) return null;
  let before = keyStart - 1;
  while (isSpace(text.charCodeAt(before))) before--;
  const c = text.charCodeAt(before);
  if (c !== COMMA && before !== rootStart) return null;
  return { rootStart, keyStart };
}

/**
 * Walks the JSON text `text`, calling `visit` for every value. Returns false when the text is not well-formed
 * JSON as far as the walk can tell (structure, strings, commas and colons are checked; the spelling of numbers
 * and literals is not, as a caller parses the spans it uses). Spans reported before a failure remain valid.
 * With `from`, the walk starts at that member of the root object (the root itself is still visited last).
 */
export function skimJson(text: string, visit: SkimVisitor, from?: RootMember): boolean {
  const path: (string | number)[] = [];
  /** Start of each open container. */
  const starts: number[] = [];
  /** Per open container: true for an object. */
  const isObject: boolean[] = [];
  const n = text.length;
  let i = 0;
  if (from) {
    // Resume inside the root object at one of its keys: the members before it are neither read nor visited.
    starts.push(from.rootStart);
    isObject.push(true);
    i = readKey(text, from.keyStart, path);
    if (i < 0) return false;
  }
  // Each turn reads one value at `i`, then what follows it (a separator, or the end of containers).
  for (;;) {
    i = skipSpace(text, i);
    if (i >= n) return false;
    const c = text.charCodeAt(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const object = c === OPEN_OBJECT;
      starts.push(i);
      isObject.push(object);
      i = skipSpace(text, i + 1);
      if (text.charCodeAt(i) === (object ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        i++;
        isObject.pop();
        visit(path, starts.pop()!, i);
      } else {
        if (object) {
          i = readKey(text, i, path);
          if (i < 0) return false;
        } else {
          path.push(0);
        }
        continue;
      }
    } else {
      const start = i;
      const end = c === QUOTE ? stringEnd(text, i) : scalarEnd(text, i);
      if (end < 0 || end === start) return false;
      i = end;
      visit(path, start, end);
    }
    // After a value: commas move to the next member or element, closing brackets end containers.
    for (;;) {
      i = skipSpace(text, i);
      if (starts.length === 0) return i === n;
      const object = isObject[isObject.length - 1];
      const d = text.charCodeAt(i);
      if (d === COMMA) {
        i = skipSpace(text, i + 1);
        if (object) {
          path.pop();
          i = readKey(text, i, path);
          if (i < 0) return false;
        } else {
          path[path.length - 1] = (path[path.length - 1] as number) + 1;
        }
        break;
      }
      if (d !== (object ? CLOSE_OBJECT : CLOSE_ARRAY)) return false;
      i++;
      path.pop();
      isObject.pop();
      visit(path, starts.pop()!, i);
    }
  }
}
