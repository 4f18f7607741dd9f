// Simulated time: the scenario clock and the arrival processes that place requests on it.
// Everything is epoch milliseconds; nothing reads the wall clock.
import type { Rng } from './rng.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Every scenario starts here (a Thursday), so runs are reproducible. */
export const SCENARIO_START_MS = Date.UTC(2026, 9, 1, 0, 0, 0);

export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** Relative activity by local hour (0..23). */
export type HourProfile = readonly number[];

/** A person using an assistant: quiet at night, busy late morning to afternoon, a second evening bump. */
export const HUMAN_HOURS: HourProfile = [
  0.15, 0.08, 0.05, 0.04, 0.04, 0.08, 0.25, 0.55, 0.9, 1.1, 1.2, 1.2, 1.0, 1.1, 1.2, 1.15, 1.05, 0.9, 0.8, 0.85, 0.9, 0.8, 0.55, 0.3,
];
/** Office hours: applications used by employees, labs running jobs while staff is in. */
export const WORK_HOURS: HourProfile = [
  0.02, 0.02, 0.02, 0.02, 0.02, 0.04, 0.1, 0.4, 0.9, 1.2, 1.2, 1.1, 0.9, 1.1, 1.2, 1.15, 1.0, 0.7, 0.35, 0.2, 0.12, 0.08, 0.05, 0.03,
];
/** Aggregated end users of a public product across a region: diurnal but never silent. */
export const SERVICE_HOURS: HourProfile = [
  0.45, 0.35, 0.3, 0.28, 0.3, 0.38, 0.5, 0.7, 0.85, 0.95, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.98, 0.95, 0.95, 0.95, 0.9, 0.8, 0.7, 0.55,
];
/** Machines: no preference for any hour. */
export const FLAT_HOURS: HourProfile = new Array(24).fill(1);

export interface SessionProcess {
  from: number;
  to: number;
  /** Local time zone as an offset from UTC in hours. */
  tzOffsetH: number;
  hours: HourProfile;
  sessionsPerDay: number;
  /** Mean requests per session (at least one). */
  requestsPerSession: number;
  /** Median gap between requests inside a session, seconds. */
  gapMedianS: number;
  /** Log-space spread of the gap: small for scripts (regular), ~1 for people. */
  gapSigma: number;
  /** Activity on Saturday and Sunday relative to a weekday. */
  weekendFactor: number;
}

/**
 * Request times of an actor that works in sessions: per local day a Poisson number of sessions placed by the
 * hour profile, each a run of requests separated by log-normal gaps. Yields ascending times in [from, to).
 */
export function* sessionArrivals(rng: Rng, p: SessionProcess): Generator<number> {
  const tzMs = p.tzOffsetH * HOUR_MS;
  const firstDay = Math.floor((p.from + tzMs) / DAY_MS) - 1;
  const lastDay = Math.floor((p.to + tzMs) / DAY_MS);
  let carry: number[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const dayStartUtc = day * DAY_MS - tzMs;
    const weekday = new Date(day * DAY_MS).getUTCDay();
    const factor = weekday === 0 || weekday === 6 ? p.weekendFactor : 1;
    const sessions = rng.poisson(p.sessionsPerDay * factor);
    const times = carry;
    carry = [];
    for (let s = 0; s < sessions; s++) {
      const hour = rng.weighted(HOUR_INDEX, p.hours);
      let t = dayStartUtc + hour * HOUR_MS + Math.floor(rng.next() * HOUR_MS);
      const n = 1 + rng.poisson(Math.max(0, p.requestsPerSession - 1));
      for (let i = 0; i < n; i++) {
        times.push(t);
        t += Math.max(200, Math.round(rng.lognormal(p.gapMedianS, p.gapSigma) * 1000));
      }
    }
    times.sort((a, b) => a - b);
    // Sessions that run past the next day's start are yielded with that day, keeping the output ascending.
    const nextDayStart = dayStartUtc + DAY_MS;
    for (const t of times) {
      if (t >= nextDayStart) carry.push(t);
      else if (t >= p.from && t < p.to) yield t;
    }
  }
  carry.sort((a, b) => a - b);
  for (const t of carry) if (t >= p.from && t < p.to) yield t;
}

const HOUR_INDEX: readonly number[] = Array.from({ length: 24 }, (_, i) => i);
