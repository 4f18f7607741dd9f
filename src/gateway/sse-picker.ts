// Reading an event stream that goes out byte for byte, for the few events whose content matters (a stream's
// usage and finish reason): decoding every chunk to text and splitting it into events costs the gateway's
// request thread more than forwarding it. Here the bytes are viewed as latin1 text (one character per byte,
// several times cheaper to make than UTF-8 text): ASCII keys, quotes and JSON punctuation read the same in it,
// and no byte of a multi-byte UTF-8 character is ASCII, so a search for an ASCII key finds exactly what it
// would in the decoded text. Only the events around what the subclass looks for are decoded and parsed.
import { parseEvent } from './sse.ts';

/** Nothing to send yet. */
const NOTHING = '';

export abstract class SseEventPicker {
  /** The latin1 text of an event whose end has not arrived yet (its search waits for the end). */
  private carry = '';

  /**
   * @param dropsEvents `read` may drop events: the bytes of an unfinished event are then held back until it
   * ends (they cannot be taken back once sent); otherwise every byte goes out as it arrives.
   */
  constructor(private readonly dropsEvents: boolean) {}

  /**
   * Reads the next bytes of the stream and returns what to send now: `chunk` itself (always, unless events
   * can be dropped), or the bytes as latin1 text (one character per byte).
   */
  push(chunk: Buffer): Buffer | string {
    const read = chunk.toString('latin1');
    const carried = this.carry.length;
    const text = carried === 0 ? read : this.carry + read;
    const end = completedEnd(text, carried);
    this.carry = end === text.length ? '' : text.slice(end);
    const kept = end > 0 ? this.pick(text, end) : NOTHING;
    if (!this.dropsEvents) return chunk;
    // the common case: the read held whole events only, and all of them go out
    if (kept === null) return carried === 0 && end === text.length ? chunk : text.slice(0, end);
    return kept;
  }

  /** The stream ended: reads an event left without its blank line, and returns what is left to send. */
  end(): string {
    const rest = this.carry;
    this.carry = '';
    if (rest.trim().length === 0) return NOTHING;
    const kept = this.pick(rest, rest.length);
    return this.dropsEvents ? (kept ?? rest) : NOTHING;
  }

  /**
   * The next place at or after `from` that may need its event read (e.g. a key whose value is an object), or -1.
   * The text may end inside an event: what is found there is set aside until the event is whole.
   */
  protected abstract nextCandidate(text: string, from: number): number;

  /** One event that held a candidate, decoded; returns true to drop it (only when events can be dropped). */
  protected abstract read(event: string | null, data: string | null): boolean;

  /**
   * Reads each whole event of text[0, end) that holds a candidate, once. Returns null when all of them are
   * kept, else the text of those kept.
   */
  private pick(text: string, end: number): string | null {
    let from = 0;
    let kept: string | null = null;
    let copied = 0;
    for (;;) {
      const at = this.nextCandidate(text, from);
      if (at < 0 || at >= end) return kept === null ? null : kept + text.slice(copied, end);
      const start = eventStart(text, at);
      const stop = eventStop(text, at, end);
      const ev = parseEvent(Buffer.from(text.slice(start, stop), 'latin1').toString('utf8'));
      if (this.read(ev.event, ev.data)) {
        kept = (kept ?? '') + text.slice(copied, start);
        copied = stop;
      }
      from = stop;
    }
  }
}

const LF = 0x0a;
const CR = 0x0d;

/** Whether an event terminator (a blank line: \n\n, or \n\r\n as in \r\n\r\n) ends just before `at`. */
function terminatorEndsAt(text: string, at: number): boolean {
  if (text.charCodeAt(at - 1) !== LF) return false;
  const before = text.charCodeAt(at - 2);
  return before === LF || (before === CR && text.charCodeAt(at - 3) === LF);
}

/** Just past the last terminator that starts at or before `at`, or 0. */
function lastTerminatorEnd(text: string, at: number): number {
  const lf = text.lastIndexOf('\n\n', at);
  const crlf = text.lastIndexOf('\n\r\n', at);
  return Math.max(lf < 0 ? 0 : lf + 2, crlf < 0 ? 0 : crlf + 3);
}

/**
 * Index just past the last event terminator of `text`, 0 when it holds none. Only a terminator that ends in the
 * new part (after the `carried` characters, which held none) is looked for, so a long event costs no rescans.
 */
function completedEnd(text: string, carried: number): number {
  // the common case: the read ends with its last event
  if (terminatorEndsAt(text, text.length)) return text.length;
  const from = Math.max(0, carried - 2);
  if (text.indexOf('\n\n', from) < 0 && text.indexOf('\n\r\n', from) < 0) return 0;
  return lastTerminatorEnd(text, text.length);
}

/** Start of the event holding `at`: just past the terminator before it, or 0. */
function eventStart(text: string, at: number): number {
  return lastTerminatorEnd(text, at);
}

/** Just past the terminator of the event holding `at`; `end` closes the last whole event. */
function eventStop(text: string, at: number, end: number): number {
  const lf = text.indexOf('\n\n', at);
  const crlf = text.indexOf('\n\r\n', at);
  return Math.min(lf < 0 ? end : lf + 2, crlf < 0 ? end : crlf + 3, end);
}
