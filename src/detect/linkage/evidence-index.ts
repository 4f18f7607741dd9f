// Inverted index from linkage value to the accounts holding it. Linking looks up shared values here instead
// of comparing accounts pairwise; a value's account count is its commonness (the IDF of the evidence).
import type { AccountState } from '../account-state.ts';
import { BURST_KINDS, VALUES_PER_KIND, type EvidenceKind } from './values.ts';

export interface ValueEntry {
  kind: EvidenceKind;
  /** how many accounts hold the value (keeps counting past the stored members) */
  count: number;
  /** account indexes, up to the member cap */
  members: number[];
}

/**
 * Holders a phrase needs before another account's single use of it counts: with one, a sentence one harvest
 * account repeated and an eval lab wrote once tied the lab into the harvest (`low-and-slow-holdout` 101).
 */
export const KNOWN_MIN_HOLDERS = 2;

export class EvidenceIndex {
  readonly entries = new Map<string, ValueEntry>();
  /** the boundary-phrase entries by phrase hash: one Map lookup per sentence, no key string built */
  readonly phrases = new Map<number, ValueEntry>();
  private readonly maxMembers: number;

  constructor(maxMembers: number) {
    this.maxMembers = maxMembers;
  }

  /**
   * Whether `acc` may still register values of `kind`. Once it may not, add() ignores every key of the kind,
   * so a caller asks first and builds no key string (most template and phrase repeats come after the budget).
   */
  static hasRoom(acc: AccountState, kind: EvidenceKind, limit = VALUES_PER_KIND[kind]): boolean {
    return (acc.valuesPerKind.get(kind) ?? 0) < limit;
  }

  /** Records that `acc` holds `key` (once per account, and within the per-kind budget). */
  add(acc: AccountState, kind: EvidenceKind, key: string, limit = VALUES_PER_KIND[kind]): void {
    const used = acc.valuesPerKind.get(kind) ?? 0;
    if (used >= limit || acc.values.has(key)) return;
    acc.valuesPerKind.set(kind, used + 1);
    acc.values.add(key);
    let e = this.entries.get(key);
    if (!e) {
      e = { kind, count: 0, members: [] };
      this.entries.set(key, e);
    }
    e.count++;
    if (e.members.length < this.maxMembers) e.members.push(acc.idx);
  }

  /** Records that `acc` holds the boundary phrase of hash `h` (linkage/phrases.ts). */
  addPhrase(acc: AccountState, h: number): void {
    const key = `phr:${(h >>> 0).toString(36)}`;
    this.add(acc, 'phrase', key);
    const entry = this.entries.get(key);
    // add() skips an account past its budget: there may still be no entry
    if (entry !== undefined && !this.phrases.has(h | 0)) this.phrases.set(h | 0, entry);
  }

  /** Puts back an entry of a snapshot. */
  restore(key: string, entry: ValueEntry): void {
    this.entries.set(key, entry);
    if (entry.kind === 'phrase') this.phrases.set(parseInt(key.slice(key.indexOf(':') + 1), 36) | 0, entry);
  }

  /**
   * Whether at least KNOWN_MIN_HOLDERS accounts hold the boundary phrase of hash `h`, and fewer than
   * `maxHolders` do: a sentence others repeat (a crew's crafted opening), used once by another account.
   */
  knownPhrase(h: number, maxHolders: number): boolean {
    const e = this.phrases.get(h | 0);
    return e !== undefined && e.count >= KNOWN_MIN_HOLDERS && e.count < maxHolders;
  }

  /**
   * Evidence weight of one shared value: the kind's weight times the value's rarity; 0 when the value is
   * common, or when a creation-burst value is shared by fewer accounts than make a burst.
   */
  static weight(entry: ValueEntry, accounts: number, kindWeight: number, maxShare: number, floor: number, burstMin = 2): number {
    const n = entry.count;
    if (n < 2 || n > Math.max(floor, maxShare * accounts)) return 0;
    if (BURST_KINDS.has(entry.kind) && n < burstMin) return 0;
    const rarity = Math.log1p(accounts / n) / Math.log1p(accounts / 2);
    return kindWeight * Math.min(1, Math.max(0, rarity));
  }
}
