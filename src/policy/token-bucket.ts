// A token bucket with continuous refill: capacity `perMinute`, refilled at perMinute/60 per second.
// Time comes only from the timestamps callers pass in, so behaviour is deterministic under test.
// Arithmetic multiplies before dividing (elapsed * perMinute / 60000) so whole-token refills are exact.

const MS_PER_MINUTE = 60_000;

/** Time to refill a bucket from empty to full: one minute, whatever its size. */
export const FULL_REFILL_MS = MS_PER_MINUTE;

export class TokenBucket {
  private perMinuteValue: number;
  private levelValue: number;
  private updatedMs: number;

  /** A new bucket starts full. */
  constructor(perMinute: number, nowMs: number) {
    this.perMinuteValue = perMinute;
    this.levelValue = perMinute;
    this.updatedMs = nowMs;
  }

  get capacity(): number {
    return this.perMinuteValue;
  }

  /** Current level as of the last refill; negative after an overcharge. */
  get level(): number {
    return this.levelValue;
  }

  /** Brings the level up to `nowMs`. A timestamp older than the last one adds nothing (time never runs back). */
  refill(nowMs: number): void {
    if (nowMs <= this.updatedMs) return;
    if (this.levelValue < this.perMinuteValue) {
      const added = ((nowMs - this.updatedMs) * this.perMinuteValue) / MS_PER_MINUTE;
      this.levelValue = Math.min(this.perMinuteValue, this.levelValue + added);
    }
    this.updatedMs = nowMs;
  }

  /** Milliseconds (rounded up) until the level reaches `amount`; 0 when it already has. */
  msUntil(amount: number): number {
    if (this.levelValue >= amount) return 0;
    return Math.ceil(((amount - this.levelValue) * MS_PER_MINUTE) / this.perMinuteValue);
  }

  /** Milliseconds until the bucket is full again (what OpenAI calls the reset time). */
  msUntilFull(): number {
    return this.msUntil(this.perMinuteValue);
  }

  /** Whether the bucket would be full at `nowMs`, without changing it (used to evict idle buckets). */
  isFullAt(nowMs: number): boolean {
    const elapsed = nowMs > this.updatedMs ? nowMs - this.updatedMs : 0;
    return this.levelValue + (elapsed * this.perMinuteValue) / MS_PER_MINUTE >= this.perMinuteValue;
  }

  /** Removes `amount`; the level may go negative, which delays later requests until it refills. */
  take(amount: number): void {
    this.levelValue -= amount;
  }

  /** Returns `amount`, never past capacity. */
  give(amount: number): void {
    this.levelValue = Math.min(this.perMinuteValue, this.levelValue + amount);
  }

  /** Applies a changed limit (e.g. the account moved tier); the level is kept, clamped to the new capacity. */
  setPerMinute(perMinute: number, nowMs: number): void {
    if (perMinute === this.perMinuteValue) return;
    this.refill(nowMs);
    this.perMinuteValue = perMinute;
    if (this.levelValue > perMinute) this.levelValue = perMinute;
  }
}
