// The streaming detector: events in, decisions out. Pure and deterministic: no I/O, no wall clock (time is
// the events' ts), no randomness beyond a fixed-seed Louvain. Per event it updates one account's bounded
// state, rescores it, and every so often (in events and event time, with amortised cost bounded by the graph
// size) relinks all accounts into campaigns. The same code runs offline in `analyze` and online behind the
// gateway, so offline first_flagged_at values are what the gateway would have done.
import type { AccountRecordV1, LogEventV1 } from '../events/types.ts';
import { AccountState, BAND_SLOTS, metaFromRecord, PHRASE_SLOTS } from './account-state.ts';
import { CampaignTracker, type CampaignState } from './campaigns.ts';
import { DetectorInputError } from './errors.ts';
import { findCommunities, type Community } from './linkage/communities.ts';
import { EvidenceIndex } from './linkage/evidence-index.ts';
import { addressBlock, bucket } from './linkage/values.ts';
import { defaultParams, validateParams } from './params.ts';
import { Scorer, round, type Score } from './scoring.ts';
import { decayAll, decayFactor } from './sketches/decayed-counter.ts';
import { MinHasher } from './sketches/minhash.ts';
import { computeFeatures, FEATURE_NAMES, SIGNALS } from './signals/index.ts';
import { isRelease } from './signals/release-pivot.ts';
import { COT_FULL_TRACE, COT_MILD } from './signals/cot-coercion.ts';
import { GRADER } from './signals/grader.ts';
import { JAILBREAK } from './signals/jailbreak.ts';
import { SYS_COT_FULL, SYS_COT_MILD, SYS_GRADER, SYS_JAILBREAK, type EventView, type FeatureSource, type SignalEnv } from './signals/types.ts';
import { combine32, hashString } from './sketches/hash.ts';
import { boundaryPhrases } from './linkage/phrases.ts';
import { newPreparedText, prepareText, USER_PATTERNS, type PreparedText } from './text/prepare.ts';
import { restoreDetector, snapshotDetector, type DetectorSnapshot } from './snapshot.ts';
import {
  isFlagged,
  type AccountResult,
  type CampaignResult,
  type Decision,
  type DetectorParams,
  type Verdict,
} from './types.ts';

const MS_PER_HOUR = 3_600_000;
/** What a decision's reason names (applyVerdict): the own signals, the campaign, or a flag held. */
const WHY_SIGNALS = 0;
const WHY_CAMPAIGN = 1;
const WHY_HELD = 2;
/** Salt that keeps boundary-phrase keys apart from LSH band keys in the per-account repeat table. */
const PHRASE_SALT = 0x70687261;
/** Distinct system prompt heads whose hash the detector remembers (systemHashOf) before it starts over. */
const SYSTEM_HASHES = 4_096;

export class Detector {
  readonly params: DetectorParams;
  /** @internal state below is shared with snapshot.ts */
  readonly scorer: Scorer;
  readonly hasher: MinHasher;
  readonly env: SignalEnv;
  readonly byId = new Map<string, AccountState>();
  readonly accounts: AccountState[] = [];
  /** accounts.jsonl records of accounts not yet seen in events */
  readonly pending = new Map<string, AccountRecordV1>();
  readonly index: EvidenceIndex;
  readonly tracker = new CampaignTracker();
  campaignOf = new Map<number, CampaignState>();
  /** the communities of the latest relink, flagged or not (the fitting procedure learns from them) */
  lastCommunities: readonly Community[] = [];
  eventsSinceLink = 0;
  lastLinkMs = NaN;
  lastLinkEdges = 0;
  events = 0;
  /** the latest event time seen (the engine's clock) */
  latestMs = -Infinity;
  latestTs = '';

  private readonly view: EventView;
  /** the text work of events ingested without it (done here, the same way a reader thread does it) */
  private readonly inlineText: PreparedText;
  private readonly bandKeys: Int32Array;
  private readonly phrases = new Int32Array(2);
  private readonly featureBuf = new Float64Array(FEATURE_NAMES.length);
  /**
   * System prompt heads → their hash. An app sends one system prompt with every request, and analyze's engine
   * thread receives it once per chunk as one string: V8 hashes a string for a Map once and keeps the hash in
   * it, so a lookup here costs less than hashing the head again in JavaScript for every event.
   */
  private readonly systemHashes = new Map<string, number>();
  private readonly halfLifeMs: number;
  /** reused for every own-account scoring (no per-event allocation) */
  private readonly ownSource: FeatureSource = { counters: new Float64Array(0), users: new Uint8Array(0), metas: [], atMs: 0 };

  constructor(params?: DetectorParams) {
    this.params = validateParams(params ?? defaultParams());
    this.scorer = new Scorer(this.params);
    this.hasher = new MinHasher(this.params.minhash.k, this.params.minhash.bands);
    this.env = { params: this.params, hasher: this.hasher, streamStartMs: NaN, modelFirstSeen: new Map() };
    this.index = new EvidenceIndex(this.params.linkage.max_value_members);
    this.bandKeys = new Int32Array(this.params.minhash.bands);
    this.halfLifeMs = this.params.decay_half_life_hours * MS_PER_HOUR;
    this.inlineText = newPreparedText(this.params.minhash.k);
    this.view = {
      ev: undefined as unknown as LogEventV1,
      tsMs: 0,
      userScan: '',
      systemScan: '',
      systemFlags: 0,
      patterns: USER_PATTERNS,
      userKnown: 0,
      userHits: 0,
      tokenCount: 0,
      topic: -1,
      signature: new Int32Array(this.params.minhash.k),
      hasSignature: false,
    };
  }

  /** Account metadata (accounts.jsonl); may arrive before or after the account's first event. */
  ingestAccount(rec: AccountRecordV1): void {
    const acc = this.byId.get(rec.account_id);
    if (acc) this.applyRecord(acc, rec);
    else this.pending.set(rec.account_id, rec);
  }

  /**
   * Processes one event; returns the decisions whose verdict or campaign changed with it. `text`, when given,
   * is the event's text work done ahead (text/prepare.ts, e.g. on analyze's reader thread); the event's
   * messages are then not read.
   */
  ingest(ev: LogEventV1, text?: PreparedText): Decision[] {
    const tsMs = Date.parse(ev.ts);
    if (!Number.isFinite(tsMs)) throw new DetectorInputError(`event ${ev.request_id}: ts "${ev.ts}" is not an RFC 3339 timestamp`);
    const env = this.env;
    if (Number.isNaN(env.streamStartMs)) {
      env.streamStartMs = tsMs;
      this.lastLinkMs = tsMs;
    }
    if (!env.modelFirstSeen.has(ev.model)) env.modelFirstSeen.set(ev.model, tsMs);
    this.events++;
    if (tsMs >= this.latestMs) {
      this.latestMs = tsMs;
      this.latestTs = ev.ts;
    }

    const acc = this.byId.get(ev.account_id) ?? this.createAccount(ev, tsMs);
    if (tsMs > acc.lastTsMs) decayAll(acc.counters, decayFactor(tsMs - acc.lastTsMs, this.halfLifeMs));
    acc.counters[0]! += 1; // C.requests

    const view = this.prepareView(acc, ev, tsMs, text);
    const newModel = !acc.models.has(ev.model);
    for (const s of SIGNALS) s.observe(view, acc, env);
    if (newModel) this.registerPivot(acc, ev.model, tsMs);
    if (view.hasSignature) {
      if (view.tokenCount >= this.params.linkage.template_min_tokens) this.registerTemplates(acc, view.signature);
      acc.pushSignature(view.signature, this.hasher.k);
    }
    this.registerPhrases(acc, view.userScan);
    if (!(acc.lastTsMs >= tsMs)) acc.lastTsMs = tsMs;
    this.registerClient(acc, ev);

    const decisions: Decision[] = [];
    this.rescore(acc, tsMs);
    this.applyVerdict(acc, ev.ts, decisions);
    this.eventsSinceLink++;
    if (this.linkDue(tsMs)) this.relink(tsMs, ev.ts, decisions);
    return decisions;
  }

  /** Relinks campaigns now (at the latest event's time), e.g. at the end of an offline run. */
  flush(): Decision[] {
    const decisions: Decision[] = [];
    if (this.eventsSinceLink === 0) return decisions;
    this.relink(this.latestMs, this.latestTs, decisions);
    return decisions;
  }

  results(): { accounts: AccountResult[]; campaigns: CampaignResult[] } {
    const accounts = this.accounts.map((a): AccountResult => {
      const signals = this.ownSignals(a);
      const camp = this.campaignOf.get(a.idx);
      // the campaign leads the explanation when it is what flags the account (higher risk, or an own score
      // that alone would not flag yet)
      if (camp && (camp.risk > a.ownRisk || !isFlagged(this.scorer.verdictOf({ cls: a.ownClass, risk: a.ownRisk }, a.counters[0]!)))) {
        signals.unshift({ name: 'campaign_risk', value: camp.risk, contribution: round(Math.max(0, logit(camp.risk) - logit(a.ownRisk))) });
      }
      return { account_id: a.id, verdict: a.verdict, risk: round(a.risk), campaign_id: a.campaignId, first_flagged_at: a.firstFlaggedAt, signals };
    });
    const campaigns = this.tracker.current.map(
      (c): CampaignResult => ({
        campaign_id: c.id,
        kind: c.kind,
        accounts: c.members.map((m) => this.accounts[m]!.id),
        risk: c.risk,
        first_seen: c.firstSeen,
        first_flagged_at: c.firstFlaggedAt,
        evidence: [...c.evidence, ...c.signals.slice(0, 4).map((s) => ({ type: `signal:${s.name}`, detail: `pooled value ${s.value}, contribution ${s.contribution}` }))],
      }),
    );
    return { accounts, campaigns };
  }

  /**
   * Accounts seen in the events that no account record (accounts.jsonl, the gateway's store) described: their
   * tier and age are unknown to the context signals.
   */
  accountsWithoutRecord(): number {
    let n = 0;
    for (const a of this.accounts) if (!a.hasRecord) n++;
    return n;
  }

  /** Each account's feature vector at its latest event (the fitting script's input). */
  features(): Map<string, Record<string, number>> {
    const out = new Map<string, Record<string, number>>();
    for (const a of this.accounts) {
      this.fillOwnFeatures(a);
      const rec: Record<string, number> = {};
      FEATURE_NAMES.forEach((name, i) => {
        rec[name] = this.featureBuf[i]!;
      });
      out.set(a.id, rec);
    }
    return out;
  }

  snapshot(): DetectorSnapshot {
    return snapshotDetector(this);
  }

  static restore(snap: unknown, params?: DetectorParams): Detector {
    const d = new Detector(params);
    restoreDetector(d, snap);
    return d;
  }

  // ── per event ────────────────────────────────────────────────────────────────────────────────────

  private createAccount(ev: LogEventV1, tsMs: number): AccountState {
    const acc = new AccountState(ev.account_id, this.accounts.length, this.hasher.k, this.params.minhash.ring);
    acc.firstTsMs = tsMs;
    acc.firstTs = ev.ts;
    acc.firstAsn = typeof ev.client.asn === 'number' ? ev.client.asn : null;
    this.byId.set(acc.id, acc);
    this.accounts.push(acc);
    const bucketMs = this.params.linkage.activity_bucket_minutes * 60_000;
    this.index.add(acc, 'sync_activity', `act:${bucket(tsMs, bucketMs)}`);
    const rec = this.pending.get(acc.id);
    if (rec) {
      this.pending.delete(acc.id);
      this.applyRecord(acc, rec);
    }
    return acc;
  }

  /** Context and signup evidence from accounts.jsonl. Creation-burst values carry the creation time bucket. */
  private applyRecord(acc: AccountState, rec: AccountRecordV1): void {
    acc.meta = metaFromRecord(rec);
    if (acc.hasRecord) return; // evidence registers once; later records only refresh the context
    acc.hasRecord = true;
    const burst = acc.meta.createdAtMs === null ? null : bucket(acc.meta.createdAtMs, this.params.linkage.creation_burst_hours * MS_PER_HOUR);
    if (rec.payment_fingerprint) this.index.add(acc, 'payment', `pay:${rec.payment_fingerprint}`);
    if (rec.signup_ip) this.index.add(acc, 'signup_network', `signup:${addressBlock(rec.signup_ip)}|${burst ?? '-'}`);
    if (rec.email_local_shape && rec.email_domain && burst !== null) {
      this.index.add(acc, 'email_shape', `mail:${rec.email_local_shape}@${rec.email_domain.toLowerCase()}|${burst}`);
    }
    if (acc.firstAsn !== null && burst !== null) this.index.add(acc, 'asn_burst', `asn:${acc.firstAsn}|${burst}`);
  }

  /** Pattern flags of the system prompt head, scanned once per distinct prompt per account. */
  private systemFlagsOf(acc: AccountState, head: string): number {
    if (head.length === 0) return 0;
    const h = this.systemHashOf(head);
    if (acc.systemFlags >= 0 && acc.systemHash === h) return acc.systemFlags;
    const flags =
      (COT_MILD.test(head) ? SYS_COT_MILD : 0) |
      (COT_FULL_TRACE.test(head) ? SYS_COT_FULL : 0) |
      (GRADER.test(head) ? SYS_GRADER : 0) |
      (JAILBREAK.test(head) ? SYS_JAILBREAK : 0);
    acc.systemHash = h;
    acc.systemFlags = flags;
    return flags;
  }

  private systemHashOf(head: string): number {
    let h = this.systemHashes.get(head);
    if (h === undefined) {
      if (this.systemHashes.size >= SYSTEM_HASHES) this.systemHashes.clear();
      h = hashString(head);
      this.systemHashes.set(head, h);
    }
    return h;
  }

  private prepareView(acc: AccountState, ev: LogEventV1, tsMs: number, text: PreparedText | undefined): EventView {
    const view = this.view;
    view.ev = ev;
    view.tsMs = tsMs;
    if (text === undefined) {
      text = this.inlineText;
      prepareText(ev, this.params, this.hasher, text);
    }
    view.userScan = text.userScan;
    view.systemScan = text.systemScan;
    view.userKnown = text.userKnown;
    view.userHits = text.userHits;
    view.tokenCount = text.tokenCount;
    view.topic = text.topic;
    view.hasSignature = text.hasSignature;
    // a text without a signature leaves the previous one in place (prepareText leaves it untouched too)
    if (text.hasSignature) view.signature.set(text.signature);
    view.systemFlags = this.systemFlagsOf(acc, view.systemScan);
    return view;
  }

  /** Band keys that repeat inside the account are its templates; once repeated, they become linkage values. */
  private registerTemplates(acc: AccountState, sig: Int32Array): void {
    const lp = this.params.linkage;
    this.hasher.bandKeys(sig, this.bandKeys);
    const keys = acc.templateKeys;
    const counts = acc.templateCounts;
    for (let b = 0; b < this.bandKeys.length; b++) {
      const key = this.bandKeys[b]!;
      const slot = (key >>> 0) % BAND_SLOTS;
      if (keys[slot] === key && counts[slot]! > 0) {
        const c = counts[slot]! + 1;
        if (c < 255) counts[slot] = c;
        if (c === lp.template_min_repeats) this.addTemplate(acc, key);
      } else {
        keys[slot] = key;
        counts[slot] = 1;
        if (lp.template_min_repeats <= 1) this.addTemplate(acc, key);
      }
    }
  }

  private addTemplate(acc: AccountState, key: number): void {
    const limit = this.params.linkage.templates_per_account;
    if (EvidenceIndex.hasRoom(acc, 'template', limit)) this.index.add(acc, 'template', `tpl:${(key >>> 0).toString(36)}`, limit);
  }

  /**
   * Opening and closing sentences that repeat inside the account become linkage values (linkage/phrases.ts), and
   * so does one used once here that other accounts hold (EvidenceIndex.knownPhrase).
   */
  private registerPhrases(acc: AccountState, text: string): void {
    const lp = this.params.linkage;
    boundaryPhrases(text, this.phrases);
    for (let i = 0; i < 2; i++) {
      const h = this.phrases[i]!;
      if (h === 0) continue;
      // the template table remembers repeats in slots of its own for phrases (BAND_SLOTS); phrase hashes are
      // salted, and get two candidate slots, so two phrases that recur in turn do not keep evicting each other
      const key = combine32(h, PHRASE_SALT) | 0;
      const keys = acc.templateKeys;
      const counts = acc.templateCounts;
      const s1 = BAND_SLOTS + (key & (PHRASE_SLOTS - 1));
      const s2 = BAND_SLOTS + ((key >>> 8) & (PHRASE_SLOTS - 1));
      const slot = keys[s1] === key && counts[s1]! > 0 ? s1 : keys[s2] === key && counts[s2]! > 0 ? s2 : -1;
      if (slot >= 0) {
        const c = counts[slot]! + 1;
        if (c < 255) counts[slot] = c;
        if (c === lp.template_min_repeats && EvidenceIndex.hasRoom(acc, 'phrase')) this.index.addPhrase(acc, h);
      } else {
        const free = counts[s2]! < counts[s1]! ? s2 : s1;
        keys[free] = key;
        counts[free] = 1;
        // a phrase other accounts repeat counts on its first use here: a crew member who sent the crew's
        // prompt once, or a thief who wraps its one extraction ask in the crew's framing, holds it too
        if (this.index.knownPhrase(h, lp.content_bind_max_holders) && EvidenceIndex.hasRoom(acc, 'phrase')) this.index.addPhrase(acc, h);
      }
    }
  }

  private registerPivot(acc: AccountState, model: string, tsMs: number): void {
    const first = this.env.modelFirstSeen.get(model)!;
    const rp = this.params.release;
    if (!isRelease(first, this.env.streamStartMs, rp.warmup_hours)) return;
    if (tsMs - first > rp.fast_hours * MS_PER_HOUR) return;
    this.index.add(acc, 'sync_pivot', `pivot:${model}|${bucket(tsMs, MS_PER_HOUR)}`);
  }

  private registerClient(acc: AccountState, ev: LogEventV1): void {
    const ip = ev.client.ip;
    if (ip !== acc.lastIp) {
      acc.lastIp = ip;
      // residential proxies rotate per request: stop building keys once the account's budget is spent
      if (EvidenceIndex.hasRoom(acc, 'client_network')) this.index.add(acc, 'client_network', `net:${addressBlock(ip)}`);
    }
    const ja4 = ev.client.ja4 ?? '';
    const ua = ev.client.user_agent ?? '';
    // compared in parts: most requests repeat the account's last fingerprint, and joining them first would
    // build (and flatten) a string per request
    if (ja4.length + ua.length > 0 && !isClientTag(acc.lastClientTag, ja4, ua) && EvidenceIndex.hasRoom(acc, 'client_fingerprint')) {
      const tag = `${ja4}|${ua}`;
      acc.lastClientTag = tag;
      this.index.add(acc, 'client_fingerprint', `tls:${tag}`);
    }
  }

  // ── scoring and verdicts ─────────────────────────────────────────────────────────────────────────

  private fillOwnFeatures(acc: AccountState, atMs = acc.lastTsMs): void {
    const src = this.ownSource;
    src.counters = acc.counters;
    src.users = acc.users;
    src.metas[0] = acc.meta;
    src.atMs = atMs;
    computeFeatures(src, this.params.shrinkage, this.featureBuf);
  }

  private rescore(acc: AccountState, tsMs: number): Score {
    this.fillOwnFeatures(acc, tsMs);
    const s = this.scorer.score(this.featureBuf);
    acc.ownRisk = s.risk;
    acc.ownClass = s.cls;
    return s;
  }

  private ownSignals(acc: AccountState) {
    this.fillOwnFeatures(acc);
    return this.scorer.explain(this.featureBuf, acc.ownClass);
  }

  /**
   * Combines the account's own score with its campaign's; records a decision when the outcome changes. Runs on
   * every event, and the outcome rarely changes: the decision's reason is only written when it does.
   */
  private applyVerdict(acc: AccountState, ts: string, decisions: Decision[]): void {
    const camp = this.campaignOf.get(acc.idx) ?? null;
    let verdict: Verdict;
    let risk: number;
    let why = WHY_SIGNALS;
    if (camp && camp.risk > acc.ownRisk) {
      risk = camp.risk;
      verdict = this.scorer.verdictOf({ cls: camp.kind, risk });
      if (risk >= this.params.thresholds.campaign && !isFlagged(verdict)) verdict = camp.kind;
      why = WHY_CAMPAIGN;
    } else {
      risk = acc.ownRisk;
      // a campaign member's own score counts from its first request (the campaign vouches for the evidence)
      verdict = this.scorer.verdictOf({ cls: acc.ownClass, risk }, camp ? Infinity : acc.counters[0]!);
      // every member of a flagged campaign is flagged, also one whose own (higher) risk is under the flag threshold
      if (camp && !isFlagged(verdict)) {
        verdict = camp.kind;
        why = WHY_CAMPAIGN;
      }
    }
    // a flag holds while the account stays suspicious: decayed shares wobble around the threshold, and an
    // attacker whose score dips for a while (a jailbreaker's quiet chat) has not become benign; only a
    // risk back under `suspicious` clears it
    if (verdict === 'suspicious' && isFlagged(acc.verdict)) {
      verdict = acc.verdict;
      why = WHY_HELD;
    }
    const campaignId = camp ? camp.id : null;
    acc.risk = risk;
    if (verdict === acc.verdict && campaignId === acc.campaignId) return;
    acc.verdict = verdict;
    acc.campaignId = campaignId;
    if (isFlagged(verdict) && acc.firstFlaggedAt === null) acc.firstFlaggedAt = ts;
    let reason: string;
    if (why === WHY_CAMPAIGN) {
      reason = `member of campaign ${camp!.id} (${camp!.members.length} accounts, ${camp!.kind}, risk ${camp!.risk})`;
    } else if (why === WHY_HELD) {
      reason = `flagged earlier, risk still above suspicious (${round(risk)})`;
    } else {
      reason = verdict === 'benign' ? 'no signal above threshold' : this.topSignals(acc);
    }
    // what the account is suspected of: a flagged verdict's class, else the class of the score that gives the risk
    const suspected = isFlagged(verdict) ? verdict : camp && camp.risk > acc.ownRisk ? camp.kind : acc.ownClass;
    decisions.push({ account_id: acc.id, ts, verdict, risk: round(risk), campaign_id: campaignId, reason, suspected });
  }

  /**
   * The account's three strongest positive signals, as a decision's reason. A method of its own: the arrays
   * it builds vary in kind (empty or not), and inside applyVerdict each new kind recompiled all of it.
   */
  private topSignals(acc: AccountState): string {
    const top = this.ownSignals(acc).filter((s) => s.contribution > 0).slice(0, 3);
    return top.map((s) => `${s.name}=${s.value}`).join(', ');
  }

  // ── linkage ──────────────────────────────────────────────────────────────────────────────────────

  private linkDue(tsMs: number): boolean {
    const lp = this.params.linkage;
    const n = this.eventsSinceLink;
    const perEdge = lp.recompute_events_per_edge * this.lastLinkEdges;
    if (n >= Math.max(lp.recompute_min_events, perEdge)) return true;
    // in quiet periods, event time triggers too, still with enough events to pay for a quarter of a run
    return tsMs - this.lastLinkMs >= lp.recompute_max_minutes * 60_000 && n >= Math.max(lp.recompute_min_events / 10, perEdge / 4);
  }

  private relink(tsMs: number, ts: string, decisions: Decision[]): void {
    const run = findCommunities(this.index, this.accounts.length, this.params, (i) => this.accounts[i]!.ownRisk);
    const before = this.campaignOf;
    this.lastCommunities = run.communities;
    this.campaignOf = this.tracker.update(run.communities, this.accounts, tsMs, ts, this.scorer, this.params);
    this.lastLinkEdges = run.edges;
    this.lastLinkMs = tsMs;
    this.eventsSinceLink = 0;
    const touched = new Set<number>([...before.keys(), ...this.campaignOf.keys()]);
    for (const idx of [...touched].sort((a, b) => a - b)) this.applyVerdict(this.accounts[idx]!, ts, decisions);
  }
}

/** Whether `tag` is `${ja4}|${ua}` (AccountState.lastClientTag), without building the latter. */
function isClientTag(tag: string, ja4: string, ua: string): boolean {
  return tag.length === ja4.length + 1 + ua.length && tag.charCodeAt(ja4.length) === 124 && tag.startsWith(ja4) && tag.endsWith(ua);
}

function logit(p: number): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
}
