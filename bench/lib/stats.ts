// Small, exact statistics for the bench: percentiles over every recorded latency, and the trend of RSS samples.

/** Percentile by the nearest-rank method over an ascending array (p in 0..100). NaN when empty. */
export function percentile(sortedAscending: ArrayLike<number>, p: number): number {
  const n = sortedAscending.length;
  if (n === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * n);
  return sortedAscending[Math.min(n - 1, Math.max(0, rank - 1))];
}

/** Least-squares slope of y over x (units of y per unit of x). 0 with fewer than two distinct x. */
export function linearSlope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i];
    sy += ys[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export interface RssSample {
  /** seconds since the soak started */
  t: number;
  /** resident set size in MB */
  rssMb: number;
}

export interface RssTrend {
  startMb: number;
  endMb: number;
  maxMb: number;
  /** Seconds treated as warm-up (heap growing to its working size) and left out of the slope. */
  warmupSeconds: number;
  /** Least-squares slope after warm-up, MB per minute. */
  slopeMbPerMin: number;
  /** Growth the slope implies over the post-warm-up window, MB. */
  projectedGrowthMb: number;
  /** No sustained growth after warm-up: implied growth within max(5 MB, 5 % of the post-warm-up start). */
  flat: boolean;
}

/**
 * Judges an RSS series. The first `warmupFraction` of the run (at least one sample) is warm-up: V8 grows its
 * heap to the working size there. After it, a leak shows as a steady slope; GC sawtooth averages out in the fit.
 */
export function rssTrend(samples: readonly RssSample[], warmupFraction = 0.2): RssTrend {
  if (samples.length === 0) throw new Error('rssTrend needs at least one sample');
  const duration = samples[samples.length - 1].t - samples[0].t;
  const warmupSeconds = duration * warmupFraction;
  const steady = samples.filter((s) => s.t - samples[0].t >= warmupSeconds);
  const window = steady.length >= 2 ? steady : samples;
  const slopePerSecond = linearSlope(
    window.map((s) => s.t),
    window.map((s) => s.rssMb),
  );
  const windowSeconds = window[window.length - 1].t - window[0].t;
  const projectedGrowthMb = slopePerSecond * windowSeconds;
  const tolerance = Math.max(5, 0.05 * window[0].rssMb);
  return {
    startMb: samples[0].rssMb,
    endMb: samples[samples.length - 1].rssMb,
    maxMb: Math.max(...samples.map((s) => s.rssMb)),
    warmupSeconds,
    slopeMbPerMin: slopePerSecond * 60,
    projectedGrowthMb,
    flat: projectedGrowthMb <= tolerance,
  };
}

/** Rounds for display without trailing noise. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
