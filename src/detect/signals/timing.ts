// Inter-arrival regularity, round-the-clock activity and volume. Why they indicate abuse: scripted harvests
// fire at machine-regular intervals and never sleep, and move volume no person types. Who shares it: API
// resellers, RAG and translation services also run round the clock at volume; they serve many distinct end
// users (params.user), which the context family measures, and their prompts are not coercive.
import { C, HOURS } from '../account-state.ts';
import { normalisedEntropy, type SignalFamily } from './types.ts';

const MS_PER_HOUR = 3_600_000;
/** Fewer gaps than this say nothing about regularity. */
const MIN_GAPS = 3;

export const timing: SignalFamily = {
  names: ['interarrival_regularity', 'round_the_clock', 'volume_log'],
  observe(view, acc) {
    const c = acc.counters;
    const hour = Math.floor(view.tsMs / MS_PER_HOUR) % HOURS;
    c[C.hour0 + hour]! += 1;
    if (Number.isFinite(acc.lastTsMs)) {
      const gapSeconds = Math.max(0, view.tsMs - acc.lastTsMs) / 1000;
      const g = Math.log1p(gapSeconds);
      c[C.gapN]! += 1;
      c[C.gapSum]! += g;
      c[C.gapSum2]! += g * g;
    }
  },
  fill(src, out, at) {
    const c = src.counters;
    const n = c[C.gapN]!;
    if (n >= MIN_GAPS) {
      const m = c[C.gapSum]! / n;
      const sd = Math.sqrt(Math.max(0, c[C.gapSum2]! / n - m * m));
      out[at] = Math.exp(-sd); // 1 = metronome, → 0 as gaps spread over orders of magnitude
    } else out[at] = 0;
    const requests = c[C.requests]!;
    // entropy of the hour-of-day histogram, trusted only with enough requests to fill 24 hours
    out[at + 1] = normalisedEntropy(c, C.hour0, HOURS) * (requests / (requests + 48));
    out[at + 2] = Math.min(1, Math.log10(1 + requests) / 5);
  },
};
