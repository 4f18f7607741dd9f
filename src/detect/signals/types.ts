// The shape every signal family has: what it counts per event, and the features it derives from the counts.
import type { LogEventV1 } from '../../events/types.ts';
import type { AccountMeta, AccountState } from '../account-state.ts';
import type { MinHasher } from '../sketches/minhash.ts';
import type { DetectorParams } from '../types.ts';

/** What the engine computes once per event and every signal reads. */
export interface EventView {
  ev: LogEventV1;
  tsMs: number;
  /** the last user message, head and tail only (see text/normalize.ts scanWindow) */
  userScan: string;
  /** the head of the system prompt ('' when there is none) */
  systemScan: string;
  /** which SYSTEM_* patterns match systemScan (computed once per distinct system prompt per account) */
  systemFlags: number;
  /** patterns whose result on userScan may be known in advance (bit i of userKnown/userHits is patterns[i]) */
  patterns: readonly RegExp[];
  /** which of `patterns` have been tested on userScan (all of them when a reader thread tested them) */
  userKnown: number;
  /** which of the tested `patterns` match userScan */
  userHits: number;
  /** how many masked token hashes the last user message has (text/normalize.ts tokenHashes, at most MAX_TOKENS) */
  tokenCount: number;
  /** the topic of the last user message (signals/topics.ts topicOf), -1 when none */
  topic: number;
  /** MinHash signature of the last user message (valid when hasSignature) */
  signature: Int32Array;
  hasSignature: boolean;
}

/** Engine-wide state the signals may read (and the release registry they may update). */
export interface SignalEnv {
  params: DetectorParams;
  hasher: MinHasher;
  streamStartMs: number;
  /** model → ts (ms) of its first sighting in the stream */
  modelFirstSeen: Map<string, number>;
}

/** Inputs of feature computation: one account's, or a campaign's pooled, counters and context. */
export interface FeatureSource {
  counters: Float64Array;
  users: Uint8Array;
  /** context of each member (one for an account) */
  metas: AccountMeta[];
  /** ts (ms) the features are computed at (for account age) */
  atMs: number;
}

export interface SignalFamily {
  readonly names: readonly string[];
  /** the request params (`ev.params` keys) observe() reads; analyze's engine thread receives only these */
  readonly params?: readonly string[];
  observe(view: EventView, acc: AccountState, env: SignalEnv): void;
  /** Writes this family's features (in `names` order) at out[at..]; `shrink` is the shares' prior pseudo-count. */
  fill(src: FeatureSource, out: Float64Array, at: number, shrink: number): void;
}

/** Bits of EventView.systemFlags: the patterns also looked for in system prompts. */
export const SYS_COT_MILD = 1;
export const SYS_COT_FULL = 2;
export const SYS_GRADER = 4;
export const SYS_JAILBREAK = 8;

/** Whether `re` matches the user message (tested once per event, or in advance by analyze's reader thread). */
export function userMatches(re: RegExp, view: EventView): boolean {
  const i = view.patterns.indexOf(re);
  if (i < 0) return re.test(view.userScan);
  const bit = 1 << i;
  if ((view.userKnown & bit) === 0) {
    view.userKnown |= bit;
    if (re.test(view.userScan)) view.userHits |= bit;
  }
  return (view.userHits & bit) !== 0;
}

/** Whether `re` matches the user message, or matched the system prompt (flag `bit`). */
export function matches(re: RegExp, bit: number, view: EventView): boolean {
  return (view.systemFlags & bit) !== 0 || userMatches(re, view);
}

/** The request params that cap an answer's tokens, one name per API dialect, read in this order. */
export const MAX_TOKENS_PARAMS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;

/** The answer's token cap the request asked for (the first of MAX_TOKENS_PARAMS present), as sent. */
export function maxTokensOf(params: Record<string, unknown>): unknown {
  return params.max_tokens ?? params.max_completion_tokens ?? params.max_output_tokens;
}

/** A share shrunk toward 0 by `shrink` pseudo-observations, so a handful of events cannot make it 1. */
export function share(hits: number, n: number, shrink: number): number {
  const d = n + shrink;
  return d > 0 ? hits / d : 0;
}

/** Normalised Shannon entropy of counts at c[from..from+len): 0 = all in one bucket, 1 = uniform. */
export function normalisedEntropy(c: Float64Array, from: number, len: number): number {
  let total = 0;
  for (let i = 0; i < len; i++) total += c[from + i]!;
  if (total <= 0) return 0;
  let h = 0;
  for (let i = 0; i < len; i++) {
    const p = c[from + i]! / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return h / Math.log(len);
}
