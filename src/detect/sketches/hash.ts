// 32-bit hashing with Math.imul: exact integer arithmetic (float64 multiplication loses the low bits).
// Hot-path hashes are returned as signed int32 (`| 0`): V8 keeps those as small integers, whereas values
// above 2^31 (what `>>> 0` gives) become boxed doubles, which costs an allocation wherever they escape.

import { mix32 } from '../../util/hash.ts';

export { mix32, seededRandom } from '../../util/hash.ts';

/** FNV-1a over a string's UTF-16 code units. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Combines two hashes order-dependently. */
export function combine32(a: number, b: number): number {
  return mix32(Math.imul(a, 0x9e3779b1) ^ b);
}
