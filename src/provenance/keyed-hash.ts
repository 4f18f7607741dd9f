// The keyed pseudo-random choice behind the watermark: one bit per (two previous words, synonym pair).
// Under a key drawn at random and independent of a text, these bits are uniform and independent across
// distinct (context, pair) keys; that is the null hypothesis the detector's exact binomial test relies on.
// Non-cryptographic on purpose (it runs for every candidate word of every response): 32-bit FNV-1a over the
// lower-cased context word, then two rounds of the murmur3 finaliser mixed with independent key words.
import { mix32 } from '../util/hash.ts';
import { createHash } from 'node:crypto';

/** Three 32-bit words derived from a watermark secret. */
export interface WatermarkSeed {
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

export function seedFromSecret(secretHex: string): WatermarkSeed {
  const digest = createHash('sha256').update('distillguard-watermark-v1\0').update(secretHex).digest();
  return { a: digest.readUInt32LE(0), b: digest.readUInt32LE(4), c: digest.readUInt32LE(8) };
}

/** murmur3's finaliser as an unsigned word. */
function fmix32(h: number): number {
  return mix32(h) >>> 0;
}

/** FNV-1a of text[start, end) with ASCII letters folded to lower case; no string is allocated. */
export function foldedHash(text: string, start: number, end: number, basis: number): number {
  let h = basis >>> 0;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 0x20;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

const FNV_BASIS = 0x811c9dc5;

/**
 * The key's preferred member (0 or 1) of `pairId` after the context words before[bs, be) and prev[ps, pe)
 * (the second-to-last and last word; either may be empty at the start of a text).
 */
export function keyedMember(
  seed: WatermarkSeed,
  before: string,
  bs: number,
  be: number,
  prev: string,
  ps: number,
  pe: number,
  pairId: number,
): 0 | 1 {
  const first = foldedHash(before, bs, be, FNV_BASIS ^ seed.a);
  const context = foldedHash(prev, ps, pe, Math.imul(first ^ 0x20, 0x01000193));
  const mixed = fmix32(fmix32(context ^ seed.b) ^ Math.imul(pairId + 1, 0x9e3779b1) ^ seed.c);
  return (mixed >>> 31) as 0 | 1;
}
