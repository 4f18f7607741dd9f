// HyperLogLog with 64 one-byte registers (Flajolet et al. 2007): counts distinct values (end-user ids) in
// 64 bytes per account with ~13 % standard error, enough to tell one end user from thousands.

import { mix32 } from './hash.ts';

export const HLL_REGISTERS = 64;
/** 2^-r for every possible register value (Math.pow per register per event is measurable). */
const POW2_NEG = Float64Array.from({ length: 34 }, (_, r) => 2 ** -r);
const P = 6;
const ALPHA = 0.709; // bias constant for m = 64

/** Records the 32-bit hash `hash` (re-mixed: FNV-1a's top bits barely change between similar strings). */
export function hllAdd(reg: Uint8Array, hash: number): void {
  const h = mix32(hash);
  const idx = h >>> (32 - P);
  const rest = (h << P) >>> 0;
  const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
  if (rank > reg[idx]!) reg[idx] = rank;
}

/** Estimated number of distinct hashes recorded. */
export function hllEstimate(reg: Uint8Array): number {
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < HLL_REGISTERS; i++) {
    const r = reg[i]!;
    sum += POW2_NEG[r]!;
    if (r === 0) zeros++;
  }
  const raw = (ALPHA * HLL_REGISTERS * HLL_REGISTERS) / sum;
  // small-range correction: linear counting while registers are still empty
  if (raw <= 2.5 * HLL_REGISTERS && zeros > 0) return HLL_REGISTERS * Math.log(HLL_REGISTERS / zeros);
  return raw;
}

/** Register-wise max: the sketch of the union. */
export function hllMerge(dst: Uint8Array, src: Uint8Array): void {
  for (let i = 0; i < HLL_REGISTERS; i++) if (src[i]! > dst[i]!) dst[i] = src[i]!;
}
