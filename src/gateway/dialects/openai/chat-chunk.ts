// Reads one streamed chat completion chunk (`{"id":…,"choices":[{"index":0,"delta":{"content":"…"},…}],"usage":…}`)
// for what the answer's marks need: per choice its index, where its delta and delta.content are and whether
// it finished, and where the root's usage is. One pass over the text from the `choices` member on, no value
// built, no key or path allocated, nothing allocated at all once the per-choice records exist: the general
// skimmer (json-skim.ts) costs more than the watermark itself at a chunk per few words.
// Anything unusual (a key written with escapes, a malformed chunk) makes `read` return false, and the caller
// takes its general path, so the two always agree on what a chunk holds.
import { jsonStringEnd } from '../../json-string.ts';
import { CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, isSpace, OPEN_ARRAY, OPEN_OBJECT, QUOTE, scalarEnd, skipSpace } from '../../json-scan.ts';

/** Where one choice of a chunk keeps what the marks need (-1: absent). */
export interface ChoiceSpans {
  index: number;
  /** start of the `delta` object, when it is one */
  deltaStart: number;
  deltaEmpty: boolean;
  /** the `delta.content` string literal, quotes included */
  contentStart: number;
  contentEnd: number;
  /** its content is the slice between the quotes (no escapes) */
  contentPlain: boolean;
  finishStart: number;
  finishEnd: number;
}

const CHOICES_KEY = '"choices"';

function newChoiceSpans(): ChoiceSpans {
  return { index: 0, deltaStart: -1, deltaEmpty: false, contentStart: -1, contentEnd: -1, contentPlain: true, finishStart: -1, finishEnd: -1 };
}

export class ChatChunkReader {
  /** One record per element of `choices`, valid below `choiceCount`; reused from chunk to chunk. */
  readonly choices: ChoiceSpans[] = [];
  choiceCount = 0;
  /** the root's `usage` object, when it is one */
  usageStart = -1;
  usageEnd = -1;

  private text = '';
  /** span of the key read last by `member` */
  private keyStart = 0;
  private keyEnd = 0;
  /** whether `afterValue` met its container's closing bracket */
  private closed = false;
  /** the first backslash at or after the last place asked about (the walk only moves forward), or text.length */
  private backslash = 0;

  /**
   * The last chunk read in full, when it had one choice with text, cut around that text: the chunks of a
   * stream usually differ only there, and a chunk that is `framePrefix` + a string literal + `frameTail`
   * has the same structure as that one, so it need not be walked again.
   */
  private framePrefix = '';
  /** from the text's closing quote to the end of the `choices` array */
  private frameTail = '';
  /** the rest of the chunk after `choices`, when it held no usage object ('' otherwise) */
  private frameRest = '';
  /** the frame's choice; its finish_reason span is kept relative to the end of the text */
  private readonly frameChoice: ChoiceSpans = newChoiceSpans();
  /** just past the `choices` array of the chunk being read in full */
  private choicesEnd = -1;

  /** Reads a chunk's JSON text; false when it is not well-formed as far as the walk tells, or unusual. */
  read(text: string): boolean {
    this.text = text;
    this.choiceCount = 0;
    this.usageStart = -1;
    this.usageEnd = -1;
    this.backslash = -1;
    this.choicesEnd = -1;
    const choicesEnd = this.readFrame();
    if (choicesEnd >= 0) {
      // the frame's rest of the chunk again (`,"usage":null}`) needs no walk either
      const rest = this.frameRest;
      if (rest !== '' && text.length - choicesEnd === rest.length && text.slice(choicesEnd) === rest) return true;
      const i = this.afterValue(choicesEnd, CLOSE_OBJECT);
      if (i < 0) return false;
      return this.closed ? skipSpace(text, i) === text.length : this.readRootMembers(i);
    }
    let i = skipSpace(text, 0);
    if (text.charCodeAt(i) !== OPEN_OBJECT) return false;
    const choices = this.choicesMember(i);
    if (choices >= 0) i = choices;
    else {
      i = skipSpace(text, i + 1);
      if (text.charCodeAt(i) === CLOSE_OBJECT) return skipSpace(text, i + 1) === text.length;
    }
    if (!this.readRootMembers(i)) return false;
    this.keepFrame();
    return true;
  }

  /** The root object's members from the key at `at` on, through its end and the end of the text. */
  private readRootMembers(at: number): boolean {
    const text = this.text;
    let i = at;
    for (;;) {
      const v = this.member(i);
      if (v < 0) return false;
      let end: number;
      // (keys are compared before skipping the value: a nested key read on the way replaces them)
      if (this.keyIs(CHOICES_KEY) && text.charCodeAt(v) === OPEN_ARRAY) {
        end = this.readChoices(v);
        this.choicesEnd = end;
      } else if (this.keyIs('"usage"') && text.charCodeAt(v) === OPEN_OBJECT) {
        end = this.skipValue(v);
        this.usageStart = v;
        this.usageEnd = end;
      } else end = this.skipValue(v);
      if (end < 0) return false;
      i = this.afterValue(end, CLOSE_OBJECT);
      if (i < 0) return false;
      if (this.closed) return skipSpace(text, i) === text.length;
    }
  }

  /** When the chunk is the frame around a new text: records its choice, returns the end of `choices`; else -1. */
  private readFrame(): number {
    const text = this.text;
    const prefix = this.framePrefix;
    const tail = this.frameTail;
    // slice and === compare with memcmp, several times faster than startsWith
    if (prefix === '' || text.slice(0, prefix.length) !== prefix) return -1;
    const contentStart = prefix.length - 1;
    const contentEnd = jsonStringEnd(text, contentStart);
    if (contentEnd < 0 || text.slice(contentEnd - 1, contentEnd - 1 + tail.length) !== tail) return -1;
    const frame = this.frameChoice;
    const c = this.nextChoice();
    c.index = frame.index;
    c.deltaStart = frame.deltaStart;
    c.deltaEmpty = false;
    c.contentStart = contentStart;
    c.contentEnd = contentEnd;
    c.contentPlain = !this.escapedBefore(contentStart, contentEnd);
    if (frame.finishStart >= 0) {
      c.finishStart = contentEnd + frame.finishStart;
      c.finishEnd = contentEnd + frame.finishEnd;
    }
    return contentEnd - 1 + tail.length;
  }

  /** After a chunk read in full: keeps it as the frame for the next ones when it has one choice with text. */
  private keepFrame(): void {
    const c = this.choices[0];
    if (this.choiceCount !== 1 || c.contentStart < 0 || this.choicesEnd < 0) return;
    // a finish_reason before the text would need its own bookkeeping, and a usage before the choices would
    // not be read again: such chunks keep no frame
    if ((c.finishStart >= 0 && c.finishStart < c.contentEnd) || (this.usageStart >= 0 && this.usageStart < this.choicesEnd)) return;
    const text = this.text;
    this.framePrefix = text.slice(0, c.contentStart + 1);
    this.frameTail = text.slice(c.contentEnd - 1, this.choicesEnd);
    this.frameRest = this.usageStart < 0 ? text.slice(this.choicesEnd) : '';
    const frame = this.frameChoice;
    frame.index = c.index;
    frame.deltaStart = c.deltaStart;
    frame.finishStart = c.finishStart >= 0 ? c.finishStart - c.contentEnd : -1;
    frame.finishEnd = c.finishStart >= 0 ? c.finishEnd - c.contentEnd : -1;
  }

  /**
   * Where the root object (opening at `root`) has its `choices` key, when the members before it can be jumped
   * over unread: no bracket comes before the key, so they are flat (a key inside a string value would have
   * its quotes escaped), as the metadata (id, model, …) of every chunk seen in practice is. -1 otherwise.
   * The same test as json-skim's rootMember, without its allocations.
   */
  private choicesMember(root: number): number {
    const text = this.text;
    const key = text.indexOf(CHOICES_KEY, root + 1);
    if (key < 0) return -1;
    const object = text.indexOf('{', root + 1);
    const array = text.indexOf('[', root + 1);
    if ((object >= 0 && object < key) || (array >= 0 && array < key)) return -1;
    let before = key - 1;
    while (isSpace(text.charCodeAt(before))) before--;
    return before === root || text.charCodeAt(before) === COMMA ? key : -1;
  }

  private readChoices(at: number): number {
    const text = this.text;
    // a repeated `choices` member replaces the earlier one, as in JSON.parse
    this.choiceCount = 0;
    let i = skipSpace(text, at + 1);
    if (text.charCodeAt(i) === CLOSE_ARRAY) return i + 1;
    for (;;) {
      const spans = this.nextChoice();
      const end = text.charCodeAt(i) === OPEN_OBJECT ? this.readChoice(i, spans) : this.skipValue(i);
      if (end < 0) return -1;
      i = this.afterValue(end, CLOSE_ARRAY);
      if (i < 0 || this.closed) return i;
    }
  }

  private nextChoice(): ChoiceSpans {
    let c = this.choices[this.choiceCount];
    if (!c) this.choices.push((c = newChoiceSpans()));
    else {
      c.index = 0;
      c.deltaStart = -1;
      c.deltaEmpty = false;
      c.contentStart = -1;
      c.contentEnd = -1;
      c.contentPlain = true;
      c.finishStart = -1;
      c.finishEnd = -1;
    }
    this.choiceCount++;
    return c;
  }

  private readChoice(at: number, spans: ChoiceSpans): number {
    const text = this.text;
    let i = skipSpace(text, at + 1);
    if (text.charCodeAt(i) === CLOSE_OBJECT) return i + 1;
    for (;;) {
      const v = this.member(i);
      if (v < 0) return -1;
      let end: number;
      if (this.keyIs('"delta"') && text.charCodeAt(v) === OPEN_OBJECT) {
        spans.deltaStart = v;
        spans.deltaEmpty = text.charCodeAt(skipSpace(text, v + 1)) === CLOSE_OBJECT;
        end = this.readDelta(v, spans);
      } else if (this.keyIs('"finish_reason"')) {
        end = this.skipValue(v);
        spans.finishStart = v;
        spans.finishEnd = end;
      } else if (this.keyIs('"index"')) {
        end = this.skipValue(v);
        if (end < 0) return -1;
        const index = this.numberAt(v, end);
        if (Number.isNaN(index)) return -1;
        spans.index = index;
      } else end = this.skipValue(v);
      if (end < 0) return -1;
      i = this.afterValue(end, CLOSE_OBJECT);
      if (i < 0 || this.closed) return i;
    }
  }

  private readDelta(at: number, spans: ChoiceSpans): number {
    const text = this.text;
    let i = skipSpace(text, at + 1);
    if (text.charCodeAt(i) === CLOSE_OBJECT) return i + 1;
    for (;;) {
      const v = this.member(i);
      if (v < 0) return -1;
      let end: number;
      if (this.keyIs('"content"') && text.charCodeAt(v) === QUOTE) {
        end = jsonStringEnd(text, v);
        if (end < 0) return -1;
        spans.contentStart = v;
        spans.contentEnd = end;
        spans.contentPlain = !this.escapedBefore(v, end);
      } else {
        end = this.skipValue(v);
        if (end < 0) return -1;
      }
      i = this.afterValue(end, CLOSE_OBJECT);
      if (i < 0 || this.closed) return i;
    }
  }

  /** A choice's `index`: the number at text[start, end), or NaN when that is none. */
  private numberAt(start: number, end: number): number {
    const text = this.text;
    let value = 0;
    for (let i = start; i < end; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9 || end - start > 9) {
        try {
          const parsed = JSON.parse(text.slice(start, end)) as unknown;
          return typeof parsed === 'number' ? parsed : 0;
        } catch {
          return NaN;
        }
      }
      value = value * 10 + d;
    }
    return value;
  }

  /**
   * Reads `"key" :` at `at` and returns where its value starts, or -1 when malformed; a key written with
   * escapes also gives -1, so that such a chunk goes the general way.
   */
  private member(at: number): number {
    const text = this.text;
    if (text.charCodeAt(at) !== QUOTE) return -1;
    const end = jsonStringEnd(text, at);
    if (end < 0 || this.escapedBefore(at, end)) return -1;
    this.keyStart = at;
    this.keyEnd = end;
    const colon = skipSpace(text, end);
    if (text.charCodeAt(colon) !== COLON) return -1;
    return skipSpace(text, colon + 1);
  }

  /** Whether text[start, end) holds a backslash; `start` must not be before the last place asked about. */
  private escapedBefore(start: number, end: number): boolean {
    if (this.backslash < start) {
      const b = this.text.indexOf('\\', start);
      this.backslash = b < 0 ? this.text.length : b;
    }
    return this.backslash < end;
  }

  /** Whether the key read last is `quoted` (quotes included); compared in place, as startsWith costs more. */
  private keyIs(quoted: string): boolean {
    const n = quoted.length;
    if (this.keyEnd - this.keyStart !== n) return false;
    const text = this.text;
    const at = this.keyStart;
    for (let i = 1; i < n - 1; i++) if (text.charCodeAt(at + i) !== quoted.charCodeAt(i)) return false;
    return true;
  }

  /** After a value ending at `end`: the start of the next member or element, or just past `close`; -1 if neither. */
  private afterValue(end: number, close: number): number {
    const text = this.text;
    const i = skipSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      this.closed = false;
      return skipSpace(text, i + 1);
    }
    if (c === close) {
      this.closed = true;
      return i + 1;
    }
    return -1;
  }

  /** Index just past the value at `at`, checking its structure on the way; -1 when malformed. */
  private skipValue(at: number): number {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === QUOTE) return jsonStringEnd(text, at);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const close = c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
      let i = skipSpace(text, at + 1);
      if (text.charCodeAt(i) === close) return i + 1;
      for (;;) {
        const v = c === OPEN_OBJECT ? this.member(i) : i;
        if (v < 0) return -1;
        const end = this.skipValue(v);
        if (end < 0) return -1;
        i = this.afterValue(end, close);
        if (i < 0 || this.closed) return i;
      }
    }
    const end = scalarEnd(text, at);
    return end > at ? end : -1;
  }
}
