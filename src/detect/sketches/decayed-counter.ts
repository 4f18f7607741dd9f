// Exponentially decayed counters in event time. Counters of one account share a clock and are decayed
// together, lazily, when the account's next event arrives: recent behaviour weighs more, old behaviour fades
// with a half-life, and the state stays a fixed-size vector however long the account lives.

/** Factor by which counts shrink over `dtMs` with half-life `halfLifeMs` (1 for dt ≤ 0). */
export function decayFactor(dtMs: number, halfLifeMs: number): number {
  if (dtMs <= 0 || !(halfLifeMs > 0)) return 1;
  return 2 ** (-dtMs / halfLifeMs);
}

/** Multiplies every counter by `factor` (skipped when it would change nothing). */
export function decayAll(counters: Float64Array, factor: number): void {
  if (factor === 1) return;
  for (let i = 0; i < counters.length; i++) counters[i]! *= factor;
}

/** Adds `src` × `factor` into `dst` (pools accounts after aligning their clocks). */
export function addScaled(dst: Float64Array, src: Float64Array, factor: number): void {
  for (let i = 0; i < dst.length; i++) dst[i]! += src[i]! * factor;
}
