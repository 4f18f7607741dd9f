// Snapshot and restore of the whole engine as plain JSON. A restored detector continues exactly where the
// original stopped: same maps in the same insertion order (Louvain's input order), same floats (JSON
// round-trips doubles exactly), non-finite numbers written as null.
import type { AccountRecordV1 } from '../events/types.ts';
import { AccountState, type AccountMeta } from './account-state.ts';
import type { CampaignState } from './campaigns.ts';
import type { Detector } from './detector.ts';
import { DetectorInputError } from './errors.ts';
import type { EvidenceKind } from './linkage/values.ts';
import type { FlaggedVerdict, Verdict } from './types.ts';

interface AccountSnapshot {
  id: string;
  meta: AccountMeta;
  counters: number[];
  users: number[];
  ring: number[];
  ringNext: number;
  ringFill: number;
  firstTsMs: number | null;
  firstTs: string;
  lastTsMs: number | null;
  templateKeys: number[];
  templateCounts: number[];
  values: string[];
  valuesPerKind: [string, number][];
  models: string[];
  lastIp: string;
  lastClientTag: string;
  firstAsn: number | null;
  hasRecord: boolean;
  verdict: Verdict;
  risk: number;
  ownRisk: number;
  ownClass: FlaggedVerdict;
  campaignId: string | null;
  firstFlaggedAt: string | null;
}

export interface DetectorSnapshot {
  v: 1;
  events: number;
  eventsSinceLink: number;
  lastLinkMs: number | null;
  lastLinkEdges: number;
  latestMs: number | null;
  latestTs: string;
  streamStartMs: number | null;
  models: [string, number][];
  pending: AccountRecordV1[];
  accounts: AccountSnapshot[];
  index: [string, EvidenceKind, number, number[]][];
  nextCampaignId: number;
  campaigns: CampaignState[];
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function orNaN(x: number | null | undefined): number {
  return typeof x === 'number' ? x : NaN;
}

export function snapshotDetector(d: Detector): DetectorSnapshot {
  return {
    v: 1,
    events: d.events,
    eventsSinceLink: d.eventsSinceLink,
    lastLinkMs: finite(d.lastLinkMs),
    lastLinkEdges: d.lastLinkEdges,
    latestMs: finite(d.latestMs),
    latestTs: d.latestTs,
    streamStartMs: finite(d.env.streamStartMs),
    models: [...d.env.modelFirstSeen],
    pending: [...d.pending.values()].map((r) => ({ ...r })),
    accounts: d.accounts.map((a) => ({
      id: a.id,
      meta: { ...a.meta },
      counters: Array.from(a.counters),
      users: Array.from(a.users),
      ring: Array.from(a.ring),
      ringNext: a.ringNext,
      ringFill: a.ringFill,
      firstTsMs: finite(a.firstTsMs),
      firstTs: a.firstTs,
      lastTsMs: finite(a.lastTsMs),
      templateKeys: Array.from(a.templateKeys),
      templateCounts: Array.from(a.templateCounts),
      values: [...a.values],
      valuesPerKind: [...a.valuesPerKind],
      models: [...a.models],
      lastIp: a.lastIp,
      lastClientTag: a.lastClientTag,
      firstAsn: a.firstAsn,
      hasRecord: a.hasRecord,
      verdict: a.verdict,
      risk: a.risk,
      ownRisk: a.ownRisk,
      ownClass: a.ownClass,
      campaignId: a.campaignId,
      firstFlaggedAt: a.firstFlaggedAt,
    })),
    index: [...d.index.entries].map(([key, e]) => [key, e.kind, e.count, [...e.members]]),
    nextCampaignId: d.tracker.nextId,
    campaigns: structuredClone(d.tracker.current),
  };
}

/** Loads `raw` (a snapshot, possibly parsed from JSON) into the freshly constructed `d`. */
export function restoreDetector(d: Detector, raw: unknown): void {
  const s = raw as DetectorSnapshot;
  if (!s || typeof s !== 'object' || s.v !== 1 || !Array.isArray(s.accounts)) {
    throw new DetectorInputError('not a detector snapshot (version 1)');
  }
  const k = d.hasher.k;
  const ringSize = d.params.minhash.ring;
  d.events = s.events;
  d.eventsSinceLink = s.eventsSinceLink;
  d.lastLinkMs = orNaN(s.lastLinkMs);
  d.lastLinkEdges = s.lastLinkEdges;
  d.latestMs = s.latestMs ?? -Infinity;
  d.latestTs = s.latestTs;
  d.env.streamStartMs = orNaN(s.streamStartMs);
  for (const [m, ms] of s.models) d.env.modelFirstSeen.set(m, ms);
  for (const r of s.pending) d.pending.set(r.account_id, { ...r });
  for (const a of s.accounts) {
    const acc = new AccountState(a.id, d.accounts.length, k, ringSize);
    if (a.counters.length !== acc.counters.length || a.ring.length !== acc.ring.length) {
      throw new DetectorInputError(`snapshot account ${a.id}: state sizes do not match these parameters`);
    }
    acc.meta = { ...a.meta };
    acc.counters.set(a.counters);
    acc.users.set(a.users);
    acc.ring.set(a.ring);
    acc.ringNext = a.ringNext;
    acc.ringFill = a.ringFill;
    acc.firstTsMs = orNaN(a.firstTsMs);
    acc.firstTs = a.firstTs;
    acc.lastTsMs = orNaN(a.lastTsMs);
    acc.templateKeys.set(a.templateKeys);
    acc.templateCounts.set(a.templateCounts);
    for (const v of a.values) acc.values.add(v);
    for (const [kind, n] of a.valuesPerKind) acc.valuesPerKind.set(kind, n);
    for (const m of a.models) acc.models.add(m);
    acc.lastIp = a.lastIp;
    acc.lastClientTag = a.lastClientTag;
    acc.firstAsn = a.firstAsn;
    acc.hasRecord = a.hasRecord;
    acc.verdict = a.verdict;
    acc.risk = a.risk;
    acc.ownRisk = a.ownRisk;
    acc.ownClass = a.ownClass;
    acc.campaignId = a.campaignId;
    acc.firstFlaggedAt = a.firstFlaggedAt;
    d.byId.set(acc.id, acc);
    d.accounts.push(acc);
  }
  for (const [key, kind, count, members] of s.index) d.index.restore(key, { kind, count, members: [...members] });
  d.tracker.nextId = s.nextCampaignId;
  d.tracker.current = structuredClone(s.campaigns);
  d.campaignOf = new Map();
  for (const c of d.tracker.current) for (const m of c.members) d.campaignOf.set(m, c);
}
