// Event timestamps (RFC 3339 UTC with milliseconds, as Date#toISOString writes them), formatted for every
// request. toISOString costs microseconds a call; events arrive thousands a second, so the part up to the
// second is formatted once per second and only the milliseconds are appended per event.

const MILLIS = Array.from({ length: 1000 }, (_, ms) => String(ms).padStart(3, '0'));

let cachedSecond = Number.NaN;
/** `2026-11-27T08:31:05.` for cachedSecond */
let cachedPrefix = '';

/** The same text as `new Date(ms).toISOString()`. */
export function isoTimestamp(ms: number): string {
  if (!Number.isInteger(ms)) return new Date(ms).toISOString();
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const iso = new Date(second * 1000).toISOString();
    // everything but `000Z` (years past 9999 are written with a sign and six digits, so cut from the end)
    cachedPrefix = iso.slice(0, iso.length - 4);
    cachedSecond = second;
  }
  return cachedPrefix + MILLIS[ms - second * 1000] + 'Z';
}
