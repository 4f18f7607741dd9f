// Behaviour shift: how far an account's recent behaviour departs from its own first hours. Why it indicates
// abuse: an established account that launders a harvest, or a sleeper that wakes up, keeps the context of
// a trusted customer (old, verified), so absolute levels weigh little against it; what gives it away is the
// change: volume jumping an order of magnitude, prompts turning to reasoning coercion, answers turning into
// long reasoning traces, several completions bought per prompt (n > 1, sampling diversity for a dataset),
// requests at hours of the day the account never used on its first day (a harvest script runs round the
// clock beside the office-hours traffic of the account's own users). The heads weigh each as the training
// data says: the established head gives `hours_shift` a negative weight, as old power users and eval labs
// move their hours too (docs/fitting.md, third fit).
// Who shares it: a user starting a new project, an eval lab running its first big sweep; they change one thing
// and by a few times, and steady heavy users (resellers, RAG apps, power users)
// do not change at all, so a change-point rather than a level leaves them alone.
// `harvest_onset` is what a harvest changes that benign change rarely does: volume and what is bought at
// once, the geometric mean of `volume_shift` and the larger of two shifts: in the share of prompts demanding
// the full reasoning trace (not mere step-by-step, which eval labs' harnesses and tutoring apps ask for) and
// in the share of requests with n > 1. A linear head cannot express "both": alone, each shift has benign
// explanations (a lab's bigger sweep, a lab turning to step-by-step math), and the heads weigh volume against
// the account.
// `harvest_level` is the same conjunction on levels rather than changes, for a harvest that began before the
// log did or before the account's ordinary traffic (its first hours are then the harvest, and every shift
// reads 0): the geometric mean of the recent request rate (log-scaled) and the recent share of prompts
// demanding the full reasoning trace. Old benign accounts that are busy (eval labs, resellers, RAG apps) do
// not demand the trace; those that demand it now and then are not busy.
//
// The baseline is frozen at the first event at least BASELINE_HOURS after the account's first event (new
// accounts have no history to depart from; the context family covers them); its hours of day keep counting
// until HOURS_BASELINE_HOURS. The recent window is a second set of counters decaying with
// RECENT_HALF_LIFE_HOURS on top of the engine's common decay. Both are plain additive counters, so a
// campaign's pooled baseline and window are its members' sums.
import { C, HOURS } from '../account-state.ts';
import { COT_FULL_TRACE, COT_MILD } from './cot-coercion.ts';
import { matches, SYS_COT_FULL, SYS_COT_MILD, type SignalFamily } from './types.ts';

const MS_PER_HOUR = 3_600_000;
/**
 * Activity the baseline of rates and shares covers. Short, because a log may begin shortly before an old
 * account turns: with a day, a launderer whose harvest began 23 hours after its first event in the log had a
 * baseline of 27 ordinary requests and ~100 harvest ones (`hard-negatives-holdout` 2), and no shift to show.
 */
export const BASELINE_HOURS = 6;
/** The hours of day the baseline saw are counted for a whole day: a day sees a daily rhythm once. */
export const HOURS_BASELINE_HOURS = 24;
/** Half-life of the recent window: three days, so a lab running one benchmark sweep a day, or one busy session, does not read as a new regime. */
export const RECENT_HALF_LIFE_HOURS = 72;
/** Requests per hour added to both rates: a jump from 0.1 to 1 request an hour is not a harvest. */
const RATE_PRIOR_PER_HOUR = 1;
/** log2 of the rate ratio that saturates `volume_shift` (16×). */
const VOLUME_SHIFT_SCALE_BITS = 4;
/** Pseudo-requests that pull the baseline's shares toward the recent ones (a thin baseline says little). */
const BASELINE_PRIOR_REQUESTS = 8;
/** log2(1 + requests per hour) that saturates the volume half of `harvest_level` (31 an hour). */
const HARVEST_LEVEL_RATE_BITS = 5;

export const behaviourShift: SignalFamily = {
  names: ['volume_shift', 'cot_shift', 'reasoning_shift', 'hours_shift', 'harvest_onset', 'harvest_level'],
  params: ['n'],
  observe(view, acc, env) {
    const c = acc.counters;
    const tsMs = view.tsMs;
    const prevMs = acc.lastTsMs;
    if (Number.isFinite(prevMs) && tsMs > prevMs) {
      // the common decay has run: age the recent window by the rest of its faster rate, and count the gap
      // as observed time (the exact decayed integral of the gap under the recent half-life)
      const commonHalfLifeH = env.params.decay_half_life_hours;
      const dtH = (tsMs - prevMs) / MS_PER_HOUR;
      const extra = 2 ** (-dtH * (1 / RECENT_HALF_LIFE_HOURS - 1 / commonHalfLifeH));
      c[C.recentRequests]! *= extra;
      c[C.recentHours]! *= extra;
      c[C.recentCot]! *= extra;
      c[C.recentReasTok]! *= extra;
      c[C.recentOutTok]! *= extra;
      c[C.recentMulti]! *= extra;
      c[C.recentOffHours]! *= extra;
      c[C.recentFullTrace]! *= extra;
      const lambda = Math.LN2 / RECENT_HALF_LIFE_HOURS;
      c[C.recentHours]! += (1 - Math.exp(-lambda * dtH)) / lambda;
    }
    c[C.recentRequests]! += 1;
    const fullTrace = matches(COT_FULL_TRACE, SYS_COT_FULL, view);
    if (fullTrace || matches(COT_MILD, SYS_COT_MILD, view)) c[C.recentCot]! += 1;
    if (fullTrace) c[C.recentFullTrace]! += 1;
    const r = view.ev.response;
    if (typeof r.output_tokens === 'number') c[C.recentOutTok]! += r.output_tokens;
    if (typeof r.reasoning_tokens === 'number') c[C.recentReasTok]! += r.reasoning_tokens;
    const n = view.ev.params.n;
    if (typeof n === 'number' && n > 1) c[C.recentMulti]! += 1;
    const hour = Math.floor(tsMs / MS_PER_HOUR) % HOURS;
    if (tsMs - acc.firstTsMs < HOURS_BASELINE_HOURS * MS_PER_HOUR) c[C.baseHour0 + hour]! += 1;
    else if (!(c[C.baseHour0 + hour]! > 0)) c[C.recentOffHours]! += 1;
    if (c[C.baseFrozen] === 0 && tsMs - acc.firstTsMs >= BASELINE_HOURS * MS_PER_HOUR) {
      c[C.baseFrozen] = 1;
      c[C.baseRequests] = c[C.requests]!;
      c[C.baseHours] = (tsMs - acc.firstTsMs) / MS_PER_HOUR;
      c[C.baseCot] = c[C.cot]!;
      c[C.baseReasTok] = c[C.reasTok]!;
      c[C.baseOutTok] = c[C.outTok]!;
      c[C.baseMulti] = c[C.multiCompletion]!;
      c[C.baseFullTrace] = c[C.cotFullTrace]!;
    }
  },
  fill(src, out, at) {
    const c = src.counters;
    out[at] = out[at + 1] = out[at + 2] = out[at + 3] = out[at + 4] = 0;
    out[at + 5] = harvestLevel(c);
    if (!(c[C.baseFrozen]! > 0) || !(c[C.recentHours]! > 0)) return;
    // baseline slots decay with everything else, so their ratios stay the baseline's own
    const baseRate = c[C.baseHours]! > 0 ? c[C.baseRequests]! / c[C.baseHours]! : 0;
    const recentRate = c[C.recentRequests]! / c[C.recentHours]!;
    const bits = Math.log2((recentRate + RATE_PRIOR_PER_HOUR) / (baseRate + RATE_PRIOR_PER_HOUR));
    out[at] = Math.min(1, Math.max(0, bits / VOLUME_SHIFT_SCALE_BITS));
    // the baseline's own decay also lowers its trust: an old baseline says less about the account today
    const n = c[C.baseRequests]!;
    const trust = n / (n + BASELINE_PRIOR_REQUESTS);
    const recentCot = c[C.recentCot]! / c[C.recentRequests]!;
    const baseCot = n > 0 ? c[C.baseCot]! / n : 0;
    out[at + 1] = Math.max(0, trust * (recentCot - baseCot));
    const recentReas = reasoningShare(c[C.recentReasTok]!, c[C.recentOutTok]!);
    const baseReas = reasoningShare(c[C.baseReasTok]!, c[C.baseOutTok]!);
    out[at + 2] = Math.max(0, trust * (recentReas - baseReas));
    // share of the recent window sent at hours of the day the first day never saw (counted after that day)
    out[at + 3] = trust * Math.min(1, c[C.recentOffHours]! / c[C.recentRequests]!);
    const fullTraceShift = trust * (c[C.recentFullTrace]! / c[C.recentRequests]! - (n > 0 ? c[C.baseFullTrace]! / n : 0));
    // the onset of n > 1 is not a feature of its own: eval labs change sweep mode, and with it how often they
    // buy several completions, as much as a launderer starts to (docs/fitting.md, ninth fit)
    const multiShift = trust * (c[C.recentMulti]! / c[C.recentRequests]! - (n > 0 ? c[C.baseMulti]! / n : 0));
    out[at + 4] = Math.sqrt(out[at]! * Math.max(0, fullTraceShift, multiShift));
  },
};

/** `harvest_level`: needs no baseline, so it reads from an account's first requests (shrunk while they are few). */
function harvestLevel(c: Float64Array): number {
  const requests = c[C.recentRequests]!;
  if (!(requests > 0)) return 0;
  const rate = requests / (c[C.recentHours]! + 1);
  const volume = Math.min(1, Math.log2(1 + rate) / HARVEST_LEVEL_RATE_BITS);
  const fullTrace = c[C.recentFullTrace]! / (requests + BASELINE_PRIOR_REQUESTS);
  return Math.sqrt(volume * fullTrace);
}

function reasoningShare(reasoning: number, output: number): number {
  const total = reasoning + output;
  return total > 0 ? reasoning / (total + 1) : 0;
}
