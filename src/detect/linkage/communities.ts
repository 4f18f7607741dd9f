// Communities of accounts over the evidence graph. The graph is bipartite: accounts on one side, shared
// values on the other (an edge per holder, weighted by the value's rarity), so a value held by a thousand
// accounts costs a thousand edges, not half a million pairs, and still binds them tightly. Louvain finds
// the communities; an account stays in its community only with evidence of several independent kinds, or
// one very strong one (a rare shared card): one university NAT (address, block and ASN are one family of
// evidence) or one SDK version is not enough.
import { UndirectedGraph } from 'graphology';
import louvainModule from 'graphology-communities-louvain';
import { seededRandom } from '../sketches/hash.ts';
import type { DetectorParams } from '../types.ts';
import { EvidenceIndex } from './evidence-index.ts';
import { KIND_FAMILY, type EvidenceKind } from './values.ts';

// The package is CommonJS with ESM-style typings: at run time the default import is the function itself,
// while the types see a namespace holding `default`. Accept both.
type Louvain = typeof louvainModule.default;
const louvain: Louvain =
  (louvainModule as unknown as { default?: Louvain }).default ?? (louvainModule as unknown as Louvain);

/** Fixed seed: Louvain's visiting order is random; a fixed seed makes the engine deterministic. */
const LOUVAIN_SEED = 0x5eed;

export interface SharedValue {
  key: string;
  kind: EvidenceKind;
  weight: number;
  /** accounts of the community holding it */
  holders: number;
  /** accounts holding it overall */
  count: number;
}

export interface Community {
  /** account indexes that qualified, ascending */
  members: number[];
  evidence: SharedValue[];
  /** independent families of evidence among the members (see KIND_FAMILY) */
  families: Set<string>;
}

export interface LinkageRun {
  communities: Community[];
  edges: number;
}

export function findCommunities(index: EvidenceIndex, accounts: number, params: DetectorParams): LinkageRun {
  const lp = params.linkage;
  const graph = new UndirectedGraph({ allowSelfLoops: false });
  const used: { key: string; kind: EvidenceKind; weight: number; count: number; members: number[] }[] = [];
  let edges = 0;
  for (const [key, e] of index.entries) {
    if (e.members.length < 2) continue;
    const weight = EvidenceIndex.weight(e, accounts, lp.kind_weights[e.kind] ?? 0, lp.max_value_share, lp.common_floor, lp.burst_min_accounts);
    if (weight <= 0) continue;
    const vnode = `v${used.length}`;
    graph.addNode(vnode);
    for (const m of e.members) {
      const anode = `a${m}`;
      if (!graph.hasNode(anode)) graph.addNode(anode);
      graph.addEdge(vnode, anode, { weight });
      edges++;
    }
    used.push({ key, kind: e.kind, weight, count: e.count, members: e.members });
  }
  if (edges === 0) return { communities: [], edges: 0 };

  const community = louvain(graph, { getEdgeWeight: 'weight', resolution: lp.louvain_resolution, rng: seededRandom(LOUVAIN_SEED) });

  // per account and evidence family: the strongest value tying it to others of its own community
  // (the strongest, not the sum: eight LSH bands of one template are one piece of evidence)
  const familyWeights = new Map<number, Map<string, number>>();
  const evidenceOf = new Map<number, SharedValue[]>();
  used.forEach((v, i) => {
    const c = community[`v${i}`]!;
    const holders = v.members.filter((m) => community[`a${m}`] === c);
    if (holders.length < 2) return;
    const family = KIND_FAMILY[v.kind];
    for (const m of holders) {
      let fw = familyWeights.get(m);
      if (!fw) familyWeights.set(m, (fw = new Map()));
      if ((fw.get(family) ?? 0) < v.weight) fw.set(family, v.weight);
    }
    let list = evidenceOf.get(c);
    if (!list) evidenceOf.set(c, (list = []));
    list.push({ key: v.key, kind: v.kind, weight: v.weight, holders: holders.length, count: v.count });
  });

  const membersOf = new Map<number, number[]>();
  for (const [m, fw] of familyWeights) {
    let families = 0;
    let total = 0;
    for (const w of fw.values()) {
      total += w;
      if (w >= lp.min_family_weight) families++;
    }
    if (families < lp.min_kinds && total < lp.strong_weight) continue;
    const c = community[`a${m}`]!;
    let list = membersOf.get(c);
    if (!list) membersOf.set(c, (list = []));
    list.push(m);
  }

  const communities: Community[] = [];
  for (const [c, members] of membersOf) {
    if (members.length < lp.min_campaign_size) continue;
    members.sort((a, b) => a - b);
    const evidence = orderEvidence(evidenceOf.get(c) ?? []);
    communities.push({ members, evidence, families: new Set(evidence.map((e) => KIND_FAMILY[e.kind])) });
  }
  communities.sort((a, b) => a.members[0]! - b.members[0]!);
  return { communities, edges };
}

/** Strongest value of each kind first (an analyst sees every kind of evidence), then the rest by strength. */
function orderEvidence(list: SharedValue[]): SharedValue[] {
  const strength = (v: SharedValue) => v.weight * v.holders;
  list.sort((a, b) => strength(b) - strength(a) || (a.key < b.key ? -1 : 1));
  const seen = new Set<EvidenceKind>();
  const lead: SharedValue[] = [];
  const rest: SharedValue[] = [];
  for (const v of list) {
    if (seen.has(v.kind)) rest.push(v);
    else {
      seen.add(v.kind);
      lead.push(v);
    }
  }
  return [...lead, ...rest];
}
