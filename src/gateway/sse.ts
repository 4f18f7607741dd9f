// Incremental Server-Sent Events framing: splits a byte stream into whole events without copying
// more than the tail of an unfinished event. Used only when a response must be read or rewritten
// event by event; otherwise chunks are forwarded untouched.

export interface SseEvent {
  /** The `event:` field, or null. */
  event: string | null;
  /** The `data:` lines joined with \n (null when the event had none). */
  data: string | null;
  /** The event exactly as received, including its blank-line terminator. */
  raw: string;
}

export class SseSplitter {
  private tail = '';

  /** Feeds a chunk and returns the events completed by it. */
  push(chunk: string): SseEvent[] {
    const text = this.tail.length > 0 ? this.tail + chunk : chunk;
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const end = findEventEnd(text, start);
      if (end < 0) break;
      const next = end + terminatorLength(text, end);
      events.push(parseEvent(text.slice(start, next)));
      start = next;
    }
    this.tail = start === 0 ? text : text.slice(start);
    return events;
  }

  /** Whatever did not end with a blank line (a well-formed stream leaves nothing). */
  flush(): SseEvent | null {
    if (this.tail.trim().length === 0) return null;
    const ev = parseEvent(this.tail);
    this.tail = '';
    return ev;
  }
}

/** Index where an event's terminating blank line starts (\n\n or \r\n\r\n), or -1. */
function findEventEnd(text: string, from: number): number {
  const lf = text.indexOf('\n\n', from);
  const crlf = text.indexOf('\r\n\r\n', from);
  if (lf < 0) return crlf;
  if (crlf < 0) return lf;
  return Math.min(lf, crlf);
}

function terminatorLength(text: string, at: number): number {
  return text.startsWith('\r\n\r\n', at) ? 4 : 2;
}

export function parseEvent(raw: string): SseEvent {
  // Most events are one `data: …` line (every OpenAI chunk): read it without splitting into lines.
  if (raw.startsWith('data: ')) {
    const eol = raw.indexOf('\n');
    if (eol === raw.length - 2 && raw.charCodeAt(eol - 1) !== 13) return { event: null, data: raw.slice(6, eol), raw };
  }
  let event: string | null = null;
  let data: string | null = null;
  for (const line0 of raw.split('\n')) {
    const line = line0.endsWith('\r') ? line0.slice(0, -1) : line0;
    if (line.length === 0 || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data = data === null ? value : data + '\n' + value;
  }
  return { event, data, raw };
}

/** An event's data as a JSON object, or null when it is not one (such an event is forwarded and read no further). */
export function parseEventObject(data: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(data) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Serialises one event. */
export function formatEvent(data: string, event: string | null = null): string {
  return event === null ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}

/**
 * The shared driver of the dialects' stream transforms: splits the upstream bytes into events and lets the
 * subclass rewrite each one (returning '' drops it).
 */
export abstract class SseEventRewriter {
  private readonly splitter = new SseSplitter();

  push(chunk: string): string {
    let out = '';
    for (const ev of this.splitter.push(chunk)) out += this.rewrite(ev.event, ev.data, ev.raw);
    return out;
  }

  end(): string {
    const ev = this.splitter.flush();
    const out = ev ? this.rewrite(ev.event, ev.data, ev.raw) : '';
    this.finish();
    return out;
  }

  protected abstract rewrite(event: string | null, data: string | null, raw: string): string;

  /** Called once after the last event (e.g. to settle usage). */
  protected finish(): void {}
}
