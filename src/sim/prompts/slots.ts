// Template filling: `{slot}` names a list of values (or a generator) to draw from.
import type { Rng } from '../rng.ts';

export type SlotValue = readonly string[] | ((rng: Rng) => string);
export type Slots = Readonly<Record<string, SlotValue>>;

const SLOT = /\{([a-zA-Z0-9_]+)\}/g;

export function fill(template: string, slots: Slots, rng: Rng): string {
  return template.replace(SLOT, (whole, name: string) => {
    const v = slots[name];
    if (v === undefined) return whole;
    return typeof v === 'function' ? v(rng) : rng.pick(v);
  });
}

/** A number slot: a decimal integer in [min, max]. */
export function num(min: number, max: number): (rng: Rng) => string {
  return (rng) => String(rng.int(min, max));
}

/**
 * The held-out split of a template list: variant 0 (fitting scenarios) keeps even indices, variant 1
 * (held-out scenarios) odd ones, so a detector fitted on one never saw the other's phrasings.
 * Lists too short to split are shared.
 */
export function partition<T>(items: readonly T[], variant: 0 | 1): readonly T[] {
  if (items.length < 4) return items;
  return items.filter((_, i) => i % 2 === variant);
}

/** A generator drawing a template from the variant's share of `templates` and filling it. */
export function templated(templates: readonly string[], slots: Slots, variant: 0 | 1): (rng: Rng) => string {
  const pool = partition(templates, variant);
  return (rng) => fill(rng.pick(pool), slots, rng);
}
