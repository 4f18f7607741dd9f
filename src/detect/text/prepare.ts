// The per-event text work of the detector, separable from its state: the scan windows of the user turn and
// the system prompt, the masked token hashes and MinHash signature of the user turn, and which content
// patterns the user turn matches. It depends only on the event and the parameters, so `analyze` can do it on
// one thread while the engine runs on another (src/report/analyze-pipeline.ts); the engine does it inline
// otherwise. Either way the numbers are the same: one function computes them.
import type { LogEventV1 } from '../../events/types.ts';
import { COT_FULL_TRACE, COT_MILD } from '../signals/cot-coercion.ts';
import { GRADER } from '../signals/grader.ts';
import { HARMFUL_REQUEST, INJECTION, JAILBREAK } from '../signals/jailbreak.ts';
import { SYSTEM_PROMPT_EXTRACTION } from '../signals/system-prompt.ts';
import { topicOf } from '../signals/topics.ts';
import type { MinHasher } from '../sketches/minhash.ts';
import type { DetectorParams } from '../types.ts';
import { LiteralGate } from './literal-gate.ts';
import { lastUserText, scanWindow, systemText, tokenHashes } from './normalize.ts';

/** Tokens of the user turn that are hashed (template detection needs the start of a prompt, not all of it). */
export const MAX_TOKENS = 256;
const MAX_TOKEN_CHARS = 2_000;
/** Scanned for content patterns: head and tail of the user turn, head of the system prompt. */
const USER_HEAD = 1_500;
const USER_TAIL = 500;
const SYSTEM_HEAD = 600;

/** The content patterns signals test on the user turn (EventView.patterns): bit i of userHits is pattern i. */
export const USER_PATTERNS: readonly RegExp[] = [COT_FULL_TRACE, COT_MILD, GRADER, JAILBREAK, INJECTION, SYSTEM_PROMPT_EXTRACTION, HARMFUL_REQUEST];
/** the pattern bits of userKnown (all set: every pattern's result is known) */
export const ALL_USER_PATTERNS = (1 << USER_PATTERNS.length) - 1;
/**
 * Which USER_PATTERNS can match a text at all: one pass over it instead of seven regexes that rarely match.
 * Built on first use, not at load: analyze's engine thread gets its texts gated by the reader thread and
 * mostly never needs it, and building it is most of the CPU a thread spends loading these modules.
 */
let userGate: LiteralGate | undefined;
/** A bit of userKnown beside the patterns': the literal gate has run on userScan. */
export const GATED = 1 << 30;

export interface PreparedText {
  /** the last user message, head and tail only */
  userScan: string;
  /** the head of the system prompt ('' when there is none) */
  systemScan: string;
  /** masked token hashes of the last user message (capacity MAX_TOKENS); not packed: the engine reads only what follows */
  tokens: Int32Array;
  tokenCount: number;
  /** the topic of the last user message (signals/topics.ts topicOf), -1 when none */
  topic: number;
  /** MinHash signature of the last user message (length k; valid when hasSignature) */
  signature: Int32Array;
  hasSignature: boolean;
  /**
   * which USER_PATTERNS are known to match or not on userScan (tested, or ruled out by the literal gate), plus
   * GATED once the gate has run; userHits: which of the known ones match
   */
  userKnown: number;
  userHits: number;
}

export function newPreparedText(k: number): PreparedText {
  return { userScan: '', systemScan: '', tokens: new Int32Array(MAX_TOKENS), tokenCount: 0, topic: -1, signature: new Int32Array(k), hasSignature: false, userKnown: 0, userHits: 0 };
}

/**
 * Fills `out` with the scan windows, tokens and signature of `ev`, with no pattern known; with `gate`, then
 * rules out the patterns whose literals the user turn lacks (gateUserPatterns). The other patterns are left to
 * testUserPatterns or to the signals, which test them when they ask.
 */
export function prepareText(ev: LogEventV1, params: DetectorParams, hasher: MinHasher, out: PreparedText, gate = true): void {
  const user = lastUserText(ev.messages);
  const system = systemText(ev.messages);
  out.userScan = scanWindow(user, USER_HEAD, USER_TAIL);
  out.systemScan = system.length > SYSTEM_HEAD ? system.slice(0, SYSTEM_HEAD) : system;
  out.tokenCount = tokenHashes(user, MAX_TOKEN_CHARS, out.tokens);
  out.topic = topicOf(out.tokens, out.tokenCount);
  const mh = params.minhash;
  out.hasSignature = hasher.signature(out.tokens, out.tokenCount, mh.shingle, mh.max_shingles, out.signature);
  out.userKnown = 0;
  out.userHits = 0;
  if (gate) gateUserPatterns(out);
}

/** Marks the USER_PATTERNS that cannot match userScan (none of their literals occurs) as known, once. */
export function gateUserPatterns(out: PreparedText): void {
  if ((out.userKnown & GATED) !== 0) return;
  userGate ??= new LiteralGate(USER_PATTERNS);
  out.userKnown |= GATED | (ALL_USER_PATTERNS & ~userGate.candidates(out.userScan));
}

/**
 * Tests the USER_PATTERNS entries selected by `mask` and not yet known on `out.userScan` (what a reader thread
 * does ahead of the engine); the engine tests the others itself when a signal asks, so any mask gives the same
 * results.
 */
export function testUserPatterns(out: PreparedText, mask = ALL_USER_PATTERNS): void {
  gateUserPatterns(out);
  const todo = mask & ALL_USER_PATTERNS & ~out.userKnown;
  let hits = out.userHits;
  for (let i = 0; i < USER_PATTERNS.length; i++) {
    if ((todo & (1 << i)) !== 0 && USER_PATTERNS[i]!.test(out.userScan)) hits |= 1 << i;
  }
  out.userHits = hits;
  out.userKnown |= todo;
}

/** Prepared texts as they cross to analyze's engine thread (TextPacker, TextUnpacker). */
export interface PackedTexts {
  /**
   * per text, one after another (one block to copy): userKnown, userHits, tokenCount, topic, its system head's
   * index in systemScans, hasSignature, then the k signature slots when hasSignature. The tokens themselves stay
   * behind: the signature and the topic are all the engine reads of them.
   */
  ints: Int32Array;
  /** each text's userScan */
  userScans: string[];
  /** the distinct systemScans: apps send one system prompt with every request, so it crosses once per chunk */
  systemScans: string[];
}

/** Packs prepared texts, a chunk at a time. */
export class TextPacker {
  private buf: Int32Array;
  private len = 0;
  private userScans: string[] = [];
  private systemScans: string[] = [];
  private systemIndex = new Map<string, number>();

  constructor(initial = 1 << 16) {
    this.buf = new Int32Array(initial);
  }

  push(p: PreparedText): void {
    const need = this.len + 6 + (p.hasSignature ? p.signature.length : 0);
    if (need > this.buf.length) {
      const next = new Int32Array(Math.max(need, this.buf.length * 2));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    let system = this.systemIndex.get(p.systemScan);
    if (system === undefined) {
      system = this.systemScans.push(p.systemScan) - 1;
      this.systemIndex.set(p.systemScan, system);
    }
    this.userScans.push(p.userScan);
    const b = this.buf;
    let at = this.len;
    b[at++] = p.userKnown;
    b[at++] = p.userHits;
    b[at++] = p.tokenCount;
    b[at++] = p.topic;
    b[at++] = system;
    b[at++] = p.hasSignature ? 1 : 0;
    if (p.hasSignature) {
      b.set(p.signature, at);
      at += p.signature.length;
    }
    this.len = at;
  }

  /** The texts packed so far (the numbers copied: the packer reuses its buffer); the packer starts over. */
  take(): PackedTexts {
    const out: PackedTexts = { ints: this.buf.slice(0, this.len), userScans: this.userScans, systemScans: this.systemScans };
    this.len = 0;
    this.userScans = [];
    this.systemScans = [];
    this.systemIndex = new Map();
    return out;
  }
}

/** Reads packed texts back, in order. */
export class TextUnpacker {
  private at = 0;
  private i = 0;

  constructor(private readonly packed: PackedTexts) {}

  /** Whether every text has been read. */
  get done(): boolean {
    return this.at === this.packed.ints.length;
  }

  /** Reads the next text into `out` (`out.tokens` is left as it was). */
  next(out: PreparedText): void {
    const b = this.packed.ints;
    let at = this.at;
    out.userScan = this.packed.userScans[this.i++]!;
    out.userKnown = b[at++]!;
    out.userHits = b[at++]!;
    out.tokenCount = b[at++]!;
    out.topic = b[at++]!;
    out.systemScan = this.packed.systemScans[b[at++]!]!;
    out.hasSignature = b[at++]! === 1;
    if (out.hasSignature) {
      const sig = out.signature;
      for (let i = 0; i < sig.length; i++) sig[i] = b[at + i]!;
      at += sig.length;
    }
    this.at = at;
  }
}
