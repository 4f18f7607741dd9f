// MinHash signatures by one-permutation hashing (Li, Owen & Zhang 2012) with rotation densification
// (Shrivastava & Li 2014): one hash per shingle instead of k, so a signature costs O(shingles + k).
// The fraction of equal slots of two signatures estimates the Jaccard similarity of their shingle sets.
// Banded LSH keys (one per band of k/bands slots) put near-duplicates in a common bucket with high probability.
import { combine32, mix32 } from './hash.ts';

/** Signatures are Int32Array: real slot values are 31-bit non-negative, borrowed ones negative. */
const EMPTY = 0x7fffffff;
/** Offset added per step when an empty slot borrows from a neighbour, so borrowed values stay distinct. */
const ROTATION_STEP = 0x9e3779b1;

export class MinHasher {
  readonly k: number;
  readonly bands: number;
  readonly rows: number;
  private readonly slotBits: number;

  constructor(k: number, bands: number) {
    if (k < 2 || (k & (k - 1)) !== 0) throw new RangeError(`minhash k must be a power of two, got ${k}`);
    if (bands < 1 || k % bands !== 0) throw new RangeError(`minhash bands must divide k (${k}), got ${bands}`);
    this.k = k;
    this.bands = bands;
    this.rows = k / bands;
    this.slotBits = Math.log2(k);
  }

  /**
   * Signature of the set of `shingle`-token shingles of `tokens[0..count)`, at most `maxShingles` of them
   * (a prefix sample), written into `sig` (length k). Returns false, with `sig` untouched, when there is no shingle.
   */
  signature(tokens: Int32Array, count: number, shingle: number, maxShingles: number, sig: Int32Array): boolean {
    const w = Math.min(shingle, count);
    if (w === 0) return false;
    const shingles = Math.min(count - w + 1, maxShingles);
    sig.fill(EMPTY);
    const shift = 32 - this.slotBits;
    for (let s = 0; s < shingles; s++) {
      let h = tokens[s]!;
      for (let j = 1; j < w; j++) h = combine32(h, tokens[s + j]!);
      h = mix32(h);
      const slot = h >>> shift;
      const value = mix32(h ^ 0x5bd1e995) & 0x7ffffffe; // non-negative, never EMPTY
      if (value < sig[slot]!) sig[slot] = value;
    }
    this.densify(sig);
    return true;
  }

  /** Fills each empty slot from the next non-empty one to its right (cyclically), offset by the distance. */
  private densify(sig: Int32Array): void {
    const k = this.k;
    for (let i = 0; i < k; i++) {
      if (sig[i] !== EMPTY) continue;
      for (let d = 1; d < k; d++) {
        const v = sig[(i + d) & (k - 1)]!;
        if (v !== EMPTY && v >= 0) {
          sig[i] = (v + Math.imul(d, ROTATION_STEP)) | 0x80000000; // sign bit marks "borrowed"
          break;
        }
      }
    }
  }

  /** Estimated Jaccard similarity of two signatures stored at offsets `ao` and `bo`. */
  similarity(a: Int32Array, ao: number, b: Int32Array, bo: number): number {
    let equal = 0;
    for (let i = 0; i < this.k; i++) if (a[ao + i] === b[bo + i]) equal++;
    return equal / this.k;
  }

  /**
   * The fewest equal slots for which `similarity` is at least `threshold` (k + 1 when no count is): the
   * same comparison of equal / k with threshold, made for each count, so `hasEqualSlots` with it decides
   * exactly as `similarity(...) >= threshold` would.
   */
  minEqualSlots(threshold: number): number {
    let m = Math.max(0, Math.min(this.k + 1, Math.ceil(threshold * this.k)));
    while (m > 0 && (m - 1) / this.k >= threshold) m--;
    while (m <= this.k && m / this.k < threshold) m++;
    return m;
  }

  /**
   * Whether at least `min` slots of the signatures at `ao` and `bo` are equal. Stops as soon as the answer is
   * known: at the mismatch that makes `min` unreachable (a ring of unrelated prompts) or at the `min`-th equal
   * slot (a template's repeats), instead of comparing all k slots.
   */
  hasEqualSlots(a: Int32Array, ao: number, b: Int32Array, bo: number, min: number): boolean {
    let allowed = this.k - min; // mismatches that still leave `min` equal slots
    if (allowed < 0) return false;
    let needed = min;
    if (needed <= 0) return true;
    for (let i = 0; i < this.k; i++) {
      if (a[ao + i] === b[bo + i]) {
        if (--needed === 0) return true;
      } else if (--allowed < 0) return false;
    }
    return true; // not reached: needed + allowed = k
  }

  /** One LSH key per band, written into `out` (length bands); the band index is part of the key. */
  bandKeys(sig: Int32Array, out: Int32Array): void {
    for (let b = 0; b < this.bands; b++) {
      let h = mix32(b + 1);
      const base = b * this.rows;
      for (let r = 0; r < this.rows; r++) h = combine32(h, sig[base + r]!);
      out[b] = h;
    }
  }
}
