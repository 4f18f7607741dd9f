// A small seeded PRNG (mulberry32) so validation runs are reproducible.

import { seededRandom } from '../../util/hash.ts';

export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  return seededRandom(seed);
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}
