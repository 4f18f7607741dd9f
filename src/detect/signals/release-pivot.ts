// Speed of moving to a newly released model. Why it indicates abuse: distillers pivot their harvest to each
// new model within hours of release, across all their accounts at once. A model first seen in the stream
// after a warm-up period counts as a release. Who shares it: enthusiasts and eval labs try new models fast,
// but with a few requests, not by moving their whole volume; the fit weighs this with volume and content.
import { C } from '../account-state.ts';
import type { SignalFamily } from './types.ts';

const MS_PER_HOUR = 3_600_000;

/** Registers `model`'s first sighting; true when it counts as a release (seen first after the warm-up). */
export function isRelease(firstSeenMs: number, streamStartMs: number, warmupHours: number): boolean {
  return firstSeenMs - streamStartMs >= warmupHours * MS_PER_HOUR;
}

export const releasePivot: SignalFamily = {
  names: ['release_fast_pivot'],
  observe(view, acc, env) {
    const model = view.ev.model;
    if (acc.models.has(model)) return;
    acc.models.add(model);
    const first = env.modelFirstSeen.get(model);
    if (first === undefined || !isRelease(first, env.streamStartMs, env.params.release.warmup_hours)) return;
    acc.counters[C.releaseAdopted]! += 1;
    if (view.tsMs - first <= env.params.release.fast_hours * MS_PER_HOUR) acc.counters[C.releaseFast]! += 1;
  },
  fill(src, out, at) {
    const c = src.counters;
    out[at] = c[C.releaseFast]! / (c[C.releaseAdopted]! + 1);
  },
};
