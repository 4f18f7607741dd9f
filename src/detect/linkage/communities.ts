// Communities of accounts over the evidence graph. An account enters the graph only with evidence of several
// independent kinds (at least one about who holds it: payment, network, identity, tooling), or one very
// strong one (a rare shared card): one university NAT (address, block and ASN are one family of evidence) or
// one SDK version is not enough. The graph is bipartite: accounts on one side, binding values (card, signup
// block, e-mail shape) on the other (an edge per holder, weighted by the value's rarity), so a value held by a
// thousand accounts costs a thousand edges, not half a million pairs, and still binds them tightly. Louvain
// finds the communities; the other kinds of evidence corroborate membership.
import { UndirectedGraph } from 'graphology';
import louvainModule from 'graphology-communities-louvain';
import { seededRandom } from '../sketches/hash.ts';
import type { DetectorParams } from '../types.ts';
import { EvidenceIndex } from './evidence-index.ts';
import { ACCOUNT_FAMILIES, BINDING_KINDS, KIND_FAMILY, type EvidenceKind } from './values.ts';

// The package is CommonJS with ESM-style typings: at run time the default import is the function itself,
// while the types see a namespace holding `default`. Accept both.
type Louvain = typeof louvainModule.default;
const louvain: Louvain =
  (louvainModule as unknown as { default?: Louvain }).default ?? (louvainModule as unknown as Louvain);

/** Fixed seed: Louvain's visiting order is random; a fixed seed makes the engine deterministic. */
const LOUVAIN_SEED = 0x5eed;

/**
 * Louvain communities of a weighted graph (node key → community). graphology-communities-louvain 2.0.2 can
 * cycle for ever at a resolution below 1 (nodes of an aggregated level taking turns moving back to a
 * singleton); patches/ gives its local-move loop a visit budget, after which the partition reached stands.
 */
export function louvainCommunities(graph: UndirectedGraph, resolution: number): Record<string, number> {
  return louvain(graph, { getEdgeWeight: 'weight', resolution, rng: seededRandom(LOUVAIN_SEED) });
}

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

/** Graph node keys of accounts (`a` + index), made once per account: every relink looks each up many times. */
const ACCOUNT_NODES: string[] = [];

function accountNode(m: number): string {
  let key = ACCOUNT_NODES[m];
  if (key === undefined) ACCOUNT_NODES[m] = key = `a${m}`;
  return key;
}

/** A shared value that carries evidence, with its weight. */
type UsedValue = { key: string; kind: EvidenceKind; weight: number; count: number; members: number[] };
/** A used value in the graph step: its qualified holders, and its node when it is a binding value. */
export type GraphValue = { value: UsedValue; holders: number[]; node: string };

/**
 * `ownRisk(i)` is account i's own risk: an account whose own behaviour is pristine (far below suspicion)
 * does not join a campaign on shared infrastructure alone.
 *
 * Each step is a function of its own: the relink runs this on every link, and V8 compiles a long-running
 * loop's function again at each loop it enters hot (on-stack replacement); one function per step keeps each
 * compile to that step instead of the whole pass.
 */
export function findCommunities(index: EvidenceIndex, accounts: number, params: DetectorParams, ownRisk: (idx: number) => number = () => 1): LinkageRun {
  const lp = params.linkage;
  const { used, familyWeights } = usedValues(index, accounts, lp);
  const qualified = qualifiedAccounts(familyWeights, lp, ownRisk);
  const { graph, inGraph, edges } = bindingGraph(used, qualified);
  if (edges === 0) {
    const communities = contentGroups(used, new Set(), ownRisk, params);
    return { communities, edges: 0 };
  }
  const community = louvainCommunities(graph, lp.louvain_resolution);
  settleCards(graph, community, inGraph, lp);
  mergeAcrossHolderEvidence(community, inGraph, lp);
  const find = holderGroups(inGraph, community, lp);
  const { communities, taken } = groupMembers(inGraph, find, lp);
  communities.push(...contentGroups(used, taken, ownRisk, params));
  communities.sort((a, b) => a.members[0]! - b.members[0]!);
  return { communities, edges };
}

/**
 * 1. shared values that carry evidence, and per account the strongest value of each family
 *    (the strongest, not the sum: eight LSH bands of one template are one piece of evidence)
 */
function usedValues(index: EvidenceIndex, accounts: number, lp: DetectorParams['linkage']): { used: UsedValue[]; familyWeights: Map<number, Map<string, number>> } {
  const used: UsedValue[] = [];
  const familyWeights = new Map<number, Map<string, number>>();
  for (const [key, e] of index.entries) {
    if (e.members.length < 2) continue;
    const weight = EvidenceIndex.weight(e, accounts, lp.kind_weights[e.kind] ?? 0, lp.max_value_share, lp.common_floor, lp.burst_min_accounts);
    if (weight <= 0) continue;
    used.push({ key, kind: e.kind, weight, count: e.count, members: e.members });
    const family = KIND_FAMILY[e.kind];
    for (const m of e.members) {
      let fw = familyWeights.get(m);
      if (!fw) familyWeights.set(m, (fw = new Map()));
      if ((fw.get(family) ?? 0) < weight) fw.set(family, weight);
    }
  }
  return { used, familyWeights };
}

/**
 * 2. accounts linked strongly enough to be in any campaign; the others stay out of the graph, so that
 *    strangers who share a busy minute or a popular prompt cannot bridge (or join) real clusters
 */
function qualifiedAccounts(familyWeights: Map<number, Map<string, number>>, lp: DetectorParams['linkage'], ownRisk: (idx: number) => number): Set<number> {
  const qualified = new Set<number>();
  for (const [m, fw] of familyWeights) if (strongEnough(fw, lp) && ownRisk(m) >= lp.member_min_own_risk) qualified.add(m);
  return qualified;
}

/** 3. the bipartite graph over qualified accounts (its communities come from Louvain) */
function bindingGraph(used: UsedValue[], qualified: Set<number>): { graph: UndirectedGraph; inGraph: GraphValue[]; edges: number } {
  const graph = new UndirectedGraph({ allowSelfLoops: false });
  const inGraph: GraphValue[] = [];
  let edges = 0;
  for (const v of used) {
    const holders = v.members.filter((m) => qualified.has(m));
    if (holders.length < 2) continue;
    // only binding values shape the communities: two actors that share a prompt generator or a proxy pool
    // are densely linked by those, and Louvain would see one actor; the other kinds corroborate in step 5
    const binding = BINDING_KINDS.has(v.kind);
    const node = `v${inGraph.length}`;
    if (binding) graph.addNode(node);
    for (const m of holders) {
      const anode = accountNode(m);
      if (!graph.hasNode(anode)) graph.addNode(anode);
      if (binding) graph.addEdge(node, anode, { weight: v.weight });
      edges++;
    }
    inGraph.push({ value: v, holders, node });
  }
  return { graph, inGraph, edges };
}

/**
 * 4. within each community, the campaign candidates are the groups held together by evidence about the
 *    accounts' holders (cards, networks, signup identities): a shared prompt template or busy minute can put
 *    strangers in one community, but never in one group. Returns each account's group (union-find root).
 */
function holderGroups(inGraph: GraphValue[], community: Record<string, number>, lp: DetectorParams['linkage']): (m: number) => number {
  const root = new Map<number, number>();
  const find = (m: number): number => {
    let r = m;
    while (root.has(r) && root.get(r) !== r) r = root.get(r)!;
    return r;
  };
  for (const { value, holders } of inGraph) {
    if (!BINDING_KINDS.has(value.kind) || value.weight < lp.min_family_weight) continue;
    const firstIn = new Map<number, number>();
    for (const m of holders) {
      const c = community[accountNode(m)]!;
      const first = firstIn.get(c);
      if (first === undefined) firstIn.set(c, m);
      else {
        const a = find(first);
        const b = find(m);
        if (a !== b) root.set(Math.max(a, b), Math.min(a, b));
      }
    }
  }
  return find;
}

/** 5. members of each group: the same test again, on the evidence that ties the account to its own group */
function groupMembers(inGraph: GraphValue[], find: (m: number) => number, lp: DetectorParams['linkage']): { communities: Community[]; taken: Set<number> } {
  const insideWeights = new Map<number, Map<string, number>>();
  const evidenceOf = new Map<number, SharedValue[]>();
  for (const { value, holders } of inGraph) {
    const parts = new Map<number, number[]>();
    for (const m of holders) {
      const g = find(m);
      const part = parts.get(g);
      if (part) part.push(m);
      else parts.set(g, [m]);
    }
    const family = KIND_FAMILY[value.kind];
    for (const [g, inside] of parts) {
      if (inside.length < 2) continue;
      for (const m of inside) {
        let fw = insideWeights.get(m);
        if (!fw) insideWeights.set(m, (fw = new Map()));
        if ((fw.get(family) ?? 0) < value.weight) fw.set(family, value.weight);
      }
      let list = evidenceOf.get(g);
      if (!list) evidenceOf.set(g, (list = []));
      list.push({ key: value.key, kind: value.kind, weight: value.weight, holders: inside.length, count: value.count });
    }
  }
  const membersOf = new Map<number, Set<number>>();
  for (const [m, fw] of insideWeights) {
    if (!strongEnough(fw, lp)) continue;
    const g = find(m);
    let members = membersOf.get(g);
    if (!members) membersOf.set(g, (members = new Set()));
    members.add(m);
  }

  const communities: Community[] = [];
  const taken = new Set<number>();
  for (const [c, memberSet] of membersOf) {
    if (memberSet.size < lp.min_campaign_size) continue;
    const members = [...memberSet].sort((a, b) => a - b);
    for (const m of members) taken.add(m);
    const evidence = orderEvidence(evidenceOf.get(c) ?? []).filter((e) => e.holders >= 2);
    communities.push({ members, evidence, families: new Set(evidence.map((e) => KIND_FAMILY[e.kind])) });
  }
  return { communities, taken };
}

/**
 * A boundary phrase in the content graph: its suspicious holders, its other holders that may follow them
 * (own risk under suspicion, at least `member_min_own_risk`), and the weight it gives each pair of holders.
 */
export type ContentValue = { value: UsedValue; holders: number[]; followers: number[]; pairWeight: number };

/**
 * 6. Groups held together by content alone: a paraphrased campaign on distinct cards, e-mails and networks
 * shares no holder evidence, only the openers and closers wrapped around its tasks, and a jailbreak crew
 * shares the prompts it crafted. Only accounts whose own risk is already at the suspicious threshold take
 * part (strangers who open with the same sentence, or tutoring apps built on one template, are not
 * suspicious on their own), and accounts already in a holder group stay there.
 *
 * A phrase binds by how common it is: it spreads its weight over all the other accounts holding it
 * (`count`, suspicious or not), so a sentence held by three accounts ties each pair of them with half its
 * weight, a public jailbreak template held by forty ties a pair with a thirty-ninth. Louvain over the
 * bipartite graph (suspicious accounts and their phrases, each edge weighted so) finds tight cores, a member
 * loosely tied to its core joins the core it is most tied to (`settleStrayMembers`), and a member stays when the phrases it
 * shares inside weigh `content_bind_min_weight`. One coincidental sentence between two campaigns does not
 * chain them, as union-find over pairs did. Linear in the phrase holders times the groups a phrase touches.
 */
function contentGroups(used: UsedValue[], taken: Set<number>, ownRisk: (idx: number) => number, params: DetectorParams): Community[] {
  const lp = params.linkage;
  const values = contentValues(used, taken, ownRisk, params);
  if (values.length === 0) return [];
  const graph = new UndirectedGraph({ allowSelfLoops: false });
  values.forEach(({ holders, pairWeight }, i) => {
    const pnode = `p${i}`;
    graph.addNode(pnode);
    for (const m of holders) {
      const anode = accountNode(m);
      if (!graph.hasNode(anode)) graph.addNode(anode);
      graph.addEdge(pnode, anode, { weight: pairWeight });
    }
  });
  const louvainOf = louvainCommunities(graph, lp.content_louvain_resolution);
  const coreOf = new Map<number, number>();
  for (const node of Object.keys(louvainOf)) if (node.startsWith('a')) coreOf.set(Number(node.slice(1)), louvainOf[node]!);
  const groupOf = settleStrayMembers(values, coreOf, lp.content_bind_min_weight, lp.min_campaign_size);
  // per account, the weight of its group's own phrases (most of whose suspicious holders are in the group)
  // that it shares with others of the group: a sentence that many suspicious accounts across groups hold
  // (a public template's slot filled with a popular goal) ties no one to any group, however often it recurs
  const inside = new Map<number, number>();
  forOwnPhrases(values, groupOf, (m, n, pairWeight) => inside.set(m, (inside.get(m) ?? 0) + pairWeight * (n - 1)));
  // the members tied to their group that strongly; the others are not members, so they count in no one's cover
  const tiedOf = new Map<number, number>();
  const tiedSize = new Map<number, number>();
  for (const [m, w] of inside) {
    if (w < lp.content_bind_min_weight) continue;
    const g = groupOf.get(m)!;
    tiedOf.set(m, g);
    tiedSize.set(g, (tiedSize.get(g) ?? 0) + 1);
  }
  // per tied member, the largest share of its group's other tied members holding one own phrase with it (its
  // cover). Strays with no tie (a crew member whose only phrases are public ones settles into some group)
  // must not dilute it: a crew of three holding its crafted openings had a cover of 2/5 in a group of six
  // (`jailbreak-holdout` 2, public prompts)
  const cover = new Map<number, number>();
  forOwnPhrases(values, tiedOf, (m, n, _w, count) => {
    const share = 2 * n >= count ? (n - 1) / (tiedSize.get(tiedOf.get(m)!)! - 1) : 0;
    if (share > (cover.get(m) ?? 0)) cover.set(m, share);
  });
  const groups = new Map<number, number[]>();
  for (const [m, g] of [...tiedOf].sort((x, y) => x[0] - y[0])) {
    if ((cover.get(m) ?? 0) < MIN_SIGNATURE_COVER) continue;
    const list = groups.get(g);
    if (list) list.push(m);
    else groups.set(g, [m]);
  }
  joinFollowers(values, groups, lp.content_bind_min_weight);
  const kept: number[][] = [];
  for (const members of groups.values()) {
    if (members.length < lp.min_campaign_size) continue;
    members.sort((a, b) => a - b);
    kept.push(members);
  }
  const evidence = groupEvidence(used, kept);
  return kept.map((members, g) => {
    const ordered = orderEvidence(evidence[g]!);
    return { members, evidence: ordered, families: new Set(ordered.map((e) => KIND_FAMILY[e.kind])) };
  });
}

/**
 * Calls `visit(m, n, pairWeight, count)` for each holder m of each of its group's own phrases: held by n ≥ 2
 * accounts of m's group (per `groupOf`; accounts it leaves out are in no group), most of the phrase's suspicious
 * holders. `count` is how many accounts hold the phrase at all: a signature is the group's own among all its
 * holders too, not only among the suspicious ones.
 */
function forOwnPhrases(values: ContentValue[], groupOf: Map<number, number>, visit: (m: number, n: number, pairWeight: number, count: number) => void): void {
  for (const { value, holders, pairWeight } of values) {
    for (const [g, n] of countBy(holders, groupOf)) {
      if (n < 2 || 2 * n < holders.length) continue;
      for (const m of holders) if (groupOf.get(m) === g) visit(m, n, pairWeight, value.count);
    }
  }
}

/**
 * Per group, the used values two or more of its members hold (in `used` order), with how many do. One pass
 * over the values' holders for all groups together: the relink runs this on every link, and a pass per group
 * over every value's holders cost more than the rest of the content step.
 */
function groupEvidence(used: UsedValue[], groups: readonly number[][]): SharedValue[][] {
  const groupsOf = new Map<number, number[]>();
  groups.forEach((members, g) => {
    for (const m of members) {
      const list = groupsOf.get(m);
      if (list === undefined) groupsOf.set(m, [g]);
      else if (list[list.length - 1] !== g) list.push(g);
    }
  });
  const evidence: SharedValue[][] = [];
  for (let g = 0; g < groups.length; g++) evidence.push([]);
  const holders = new Int32Array(groups.length);
  const touched: number[] = [];
  for (const v of used) {
    for (const m of v.members) {
      const gs = groupsOf.get(m);
      if (gs === undefined) continue;
      for (const g of gs) if (holders[g]!++ === 0) touched.push(g);
    }
    if (touched.length === 0) continue;
    for (const g of touched) {
      const n = holders[g]!;
      if (n >= 2) evidence[g]!.push({ key: v.key, kind: v.kind, weight: v.weight, holders: n, count: v.count });
      holders[g] = 0;
    }
    touched.length = 0;
  }
  return evidence;
}

/** The phrases two or more suspicious accounts outside holder groups hold, each with its per-pair weight. */
function contentValues(used: UsedValue[], taken: Set<number>, ownRisk: (idx: number) => number, params: DetectorParams): ContentValue[] {
  const lp = params.linkage;
  const gate = params.thresholds.suspicious;
  const out: ContentValue[] = [];
  for (const v of used) {
    if (v.kind !== 'phrase' || v.weight < lp.min_family_weight || v.count > lp.content_bind_max_holders) continue;
    const holders: number[] = [];
    const followers: number[] = [];
    for (const m of v.members) {
      if (taken.has(m)) continue;
      const risk = ownRisk(m);
      if (risk >= gate) holders.push(m);
      else if (risk >= lp.member_min_own_risk) followers.push(m);
    }
    if (holders.length >= 2) out.push({ value: v, holders, followers, pairWeight: v.weight / (v.count - 1) });
  }
  return out;
}

/**
 * The share of a content group's other members a member must hold one phrase with (the group's own phrases;
 * for a follower, phrases of that group alone). A campaign wraps every task in a few openers and closers of its
 * own, so each member holds one with nearly all the others (0.96–1.0 on `low-and-slow-holdout` 101); a crew's
 * crafted prompt is held by the whole crew. An eval lab sweeping the benchmark a harvest draws its tasks from
 * holds many of the harvest's task sentences, each with a few of its members, and none of its wrappers
 * (0.13–0.24 of the group on that run, where it had been a member): task sentences alone, however many, make
 * no member. Fixed, not fitted.
 */
const MIN_SIGNATURE_COVER = 0.5;

/**
 * Signatures a follower must hold with its group: its own behaviour does not vouch for it, so one sentence is
 * not enough. A paraphrased campaign's clean-looking member sends its opener and its closer; an eval lab or a
 * power user that opens with the task opener most of a harvest also uses holds that one sentence
 * (`mixed-holdout` 1, built-in prompts: an opener 22 of a 25-account campaign and 18 other accounts send).
 */
const FOLLOWER_MIN_SIGNATURES = 2;

/** How much more strongly a bound member must be tied to another core to move there (see settleStrayMembers). */
const SETTLE_MARGIN = 1.5;

/**
 * Louvain's modularity leaves some members of a campaign in small cores of their own, pulled there by
 * phrases they share with a few accounts of other campaigns (a recurring task sentence), and at a resolution
 * above 1 it cuts a uniform campaign into a core and satellites along sentences three or four of its accounts
 * happen to share (one such sentence weighs more per pair than wrappers all twenty-five hold). Two kinds of
 * member move, one account at a time in index order, each seeing the moves before it (label propagation from
 * Louvain's cores), until a pass moves no one:
 * - a stray, tied to its own core by less than `minWeight` (summed pair weights of its phrases over the
 *   core's other members), goes to a core it is tied to more;
 * - any other member goes to a core of at least `minSize` that it covers at least half of and is tied to
 *   SETTLE_MARGIN times as strongly as to its own: a satellite member shares the campaign's wrappers with the
 *   whole core; a crew member's tie to another crew through public sentences is far weaker than to its own.
 * Among the cores it may go to it picks the one it covers best (the largest share of the core holding one
 * phrase it holds; then the stronger tie, then the lower id): a crew member cut off its crew shares the crew's
 * sentence with all of it, and a coincidental sentence with one account of another crew. No core is merged
 * wholesale.
 */
function settleStrayMembers(values: ContentValue[], coreOf: Map<number, number>, minWeight: number, minSize: number): Map<number, number> {
  const groupOf = new Map(coreOf);
  const size = new Map<number, number>();
  for (const g of groupOf.values()) size.set(g, (size.get(g) ?? 0) + 1);
  // per phrase, its holders per group (kept current as accounts move); per account, the phrases it holds
  const perGroup: Map<number, number>[] = [];
  for (const { holders } of values) perGroup.push(countBy(holders, groupOf));
  const held = new Map<number, number[]>();
  values.forEach(({ holders }, i) => {
    for (const m of holders) {
      const list = held.get(m);
      if (list) list.push(i);
      else held.set(m, [i]);
    }
  });
  const order = [...groupOf.keys()].sort((x, y) => x - y);
  for (let pass = 0; pass < 8; pass++) {
    let moved = false;
    for (const m of order) {
      const own = groupOf.get(m)!;
      // per core: m's tie to its members, and the largest share of them holding one phrase m holds
      const tie = new Map<number, number>();
      const cover = new Map<number, number>();
      for (const i of held.get(m) ?? []) {
        for (const [g, n] of perGroup[i]!) {
          const others = g === own ? n - 1 : n;
          if (others <= 0) continue;
          tie.set(g, (tie.get(g) ?? 0) + values[i]!.pairWeight * others);
          const share = others / (g === own ? size.get(g)! - 1 : size.get(g)!);
          if (share > (cover.get(g) ?? 0)) cover.set(g, share);
        }
      }
      const ownTie = tie.get(own) ?? 0;
      const stray = ownTie < minWeight;
      let best = own;
      for (const [g, t] of tie) {
        if (g === own || t <= ownTie) continue;
        const c = cover.get(g)!;
        if (!stray && (size.get(g)! < minSize || c < 0.5 || t < SETTLE_MARGIN * ownTie)) continue;
        const b = best === own ? -1 : cover.get(best)!;
        if (c > b || (c === b && (t > tie.get(best)! || (t === tie.get(best)! && g < best)))) best = g;
      }
      if (best === own) continue;
      groupOf.set(m, best);
      size.set(own, size.get(own)! - 1);
      size.set(best, (size.get(best) ?? 0) + 1);
      moved = true;
      for (const i of held.get(m) ?? []) {
        const counts = perGroup[i]!;
        counts.set(own, counts.get(own)! - 1);
        counts.set(best, (counts.get(best) ?? 0) + 1);
      }
    }
    if (!moved) break;
  }
  return groupOf;
}

/**
 * Accounts that look clean alone are caught through their campaign: a holder of a group's phrases whose own
 * risk is under suspicion joins the group it is tied to most (summed pair weights over the group's members)
 * when that tie reaches `minWeight`, the bar every member meets, and it holds one of them with at least
 * MIN_SIGNATURE_COVER of the group. Only phrases of this group alone count (no member of another group holds
 * them): a task sentence that three harvests share with an eval lab does not pull the lab into whichever
 * harvest holds it most. Followers only join: they shape no core and tie no one else in, so strangers who
 * share a sentence with each other, however many, make no group.
 *
 * A suspicious account that no group kept as a member follows by the same rule: Louvain may leave part of a
 * campaign in a core of its own, pulled together by a sentence only they hold, where too little of what they
 * share is that core's own to tie them (`low-and-slow-holdout` 2, public prompts: eight of 25 accounts whose
 * code tasks named a `.txt` file, so "txt Walk me through every step of the reasoning please." was a sentence
 * of theirs alone; the campaign's three wrappers, held by all 25, tie them to the other seventeen).
 */
export function joinFollowers(values: ContentValue[], groups: Map<number, number[]>, minWeight: number): void {
  const groupOf = new Map<number, number>();
  for (const [g, members] of groups) for (const m of members) groupOf.set(m, g);
  const ties = new Map<number, Map<number, number>>();
  // per follower and group, how many of its phrases a share of MIN_SIGNATURE_COVER of the group holds with it
  const signatures = new Map<number, Map<number, number>>();
  for (const { value, holders, followers: clean, pairWeight } of values) {
    const counts = new Map<number, number>();
    const followers = [...clean];
    for (const m of holders) {
      const g = groupOf.get(m);
      if (g !== undefined) counts.set(g, (counts.get(g) ?? 0) + 1);
      else followers.push(m);
    }
    if (followers.length === 0) continue;
    // only a phrase that no other group holds, held by two members or more, vouches for a follower
    if (counts.size !== 1 || [...counts.values()][0]! < 2) continue;
    const [g, n] = [...counts][0]!;
    const share = 2 * n >= value.count ? n / groups.get(g)!.length : 0;
    for (const f of followers) {
      let tie = ties.get(f);
      if (!tie) ties.set(f, (tie = new Map()));
      tie.set(g, (tie.get(g) ?? 0) + pairWeight * n);
      if (share < MIN_SIGNATURE_COVER) continue;
      let held = signatures.get(f);
      if (!held) signatures.set(f, (held = new Map()));
      held.set(g, (held.get(g) ?? 0) + 1);
    }
  }
  for (const [f, tie] of [...ties].sort((x, y) => x[0] - y[0])) {
    let best = -1;
    let bestTie = 0;
    for (const [g, t] of tie) if (t > bestTie || (t === bestTie && g < best)) [best, bestTie] = [g, t];
    if (bestTie >= minWeight && (signatures.get(f)?.get(best) ?? 0) >= FOLLOWER_MIN_SIGNATURES) groups.get(best)!.push(f);
  }
}

/** How many of `items` fall in each class of `classOf` (items it has no class for are not counted). */
function countBy(items: readonly number[], classOf: Map<number, number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const m of items) {
    const c = classOf.get(m);
    if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return counts;
}

/**
 * Louvain's local moves go one node at a time, and an account never leaves its card (the card's edge outweighs
 * its e-mail shape's); once it aggregates, it moves whole communities. So at a low resolution a card whose
 * accounts signed up partly in a window two actors shared (their e-mail generators producing one shape) can be
 * left in the neighbouring actor's community, though most of its sign-up values are its own actor's
 * (`hydra-holdout` 1: five cards, 48 accounts of one pool, in another's). This refinement moves cards whole
 * (the card's node and its holders) and the other binding values one by one, each to the community where the
 * move gains most modularity at the same resolution, in inGraph order, each seeing the moves before it, until
 * a pass moves nothing (at most 8). The clients the accounts run (`client_fingerprint` values of real weight,
 * each sitting with most of its holders) count in the ties: where a card's sign-up values are split between
 * two actors, the operator's client decides. A card moves only to a community it shares a sign-up value with,
 * though: a client alone is shared by strangers. In place; exported for its unit test.
 */
export function settleCards(graph: UndirectedGraph, community: Record<string, number>, inGraph: GraphValue[], lp: DetectorParams['linkage']): void {
  // Nodes get dense ids in the order they first appear (value node, then its holders), the order the sums
  // below run in; adjacency, degrees and communities are arrays by id. No closures or string-keyed maps in
  // the passes: V8 compiled the map-and-closure version of this step into the largest optimized code of a run.
  const nodes = new SettleNodes();
  const units: number[][] = [];
  for (const { value, holders, node } of inGraph) {
    const binding = BINDING_KINDS.has(value.kind) && graph.hasNode(node);
    const tooling = value.kind === 'client_fingerprint' && value.weight >= lp.min_family_weight;
    if (!binding && !tooling) continue;
    // a client's node sits with most of the accounts that run it (ties: the lowest community)
    const v = nodes.id(node, tooling ? clientCommunity(holders, community) : community[node]!, tooling);
    const unit = [v];
    for (const m of holders) {
      const key = accountNode(m);
      const a = nodes.id(key, community[key]!, false);
      nodes.link(v, a, value.weight);
      if (value.kind === 'payment') unit.push(a);
    }
    units.push(unit);
  }
  if (units.length === 0) return;
  const { keys, adjacent, adjacentWeight, comm, isClient } = nodes;
  const degree = new Float64Array(keys.length);
  let maxCommunity = 0;
  for (const c of comm) maxCommunity = Math.max(maxCommunity, c);
  const volume = new Float64Array(maxCommunity + 1);
  let total = 0;
  for (let id = 0; id < keys.length; id++) {
    let k = 0;
    for (const w of adjacentWeight[id]!) k += w;
    degree[id] = k;
    total += k / 2;
    volume[comm[id]!] += k;
  }
  if (total === 0) return;
  const scale = lp.louvain_resolution / (2 * total);
  // per unit: its ties to each community, the communities it shares a sign-up value with, its degree in each
  const tie = new Float64Array(maxCommunity + 1);
  const outOf = new Float64Array(maxCommunity + 1);
  const signedUp = new Uint8Array(maxCommunity + 1);
  const inside = new Uint8Array(keys.length);
  const touched: number[] = [];
  const candidates: number[] = [];
  for (let pass = 0; pass < 8; pass++) {
    let moved = false;
    for (const unit of units) {
      for (const u of unit) inside[u] = 1;
      const own = comm[unit[0]!]!;
      let k = 0;
      for (const u of unit) {
        const ku = degree[u]!;
        k += ku;
        touched.push(comm[u]!);
        outOf[comm[u]!] += ku;
        const others = adjacent[u]!;
        const weights = adjacentWeight[u]!;
        for (let j = 0; j < others.length; j++) {
          const other = others[j]!;
          if (inside[other] === 1) continue;
          const c = comm[other]!;
          touched.push(c);
          tie[c] += weights[j]!;
          // only to a community it shares a sign-up value with: clients are shared by strangers
          if (!isClient[other] && signedUp[c] === 0) {
            signedUp[c] = 1;
            candidates.push(c);
          }
        }
      }
      let best = own;
      let bestGain = tie[own]! - scale * k * (volume[own]! - outOf[own]!);
      // and only where it is tied more strongly than at home: the resolution's size penalty alone does not
      // pull a card away from its evidence
      const home = tie[own]!;
      candidates.sort(ascending);
      for (const c of candidates) {
        const g = tie[c]! - scale * k * (volume[c]! - outOf[c]!);
        if (g > bestGain + 1e-9 && tie[c]! > home) {
          best = c;
          bestGain = g;
        }
      }
      for (const c of touched) tie[c] = outOf[c] = 0;
      for (const c of candidates) signedUp[c] = 0;
      touched.length = candidates.length = 0;
      let stays = best === own;
      for (const u of unit) {
        inside[u] = 0;
        if (comm[u] !== own) stays = false;
      }
      if (stays) continue;
      for (const u of unit) {
        volume[comm[u]!] -= degree[u]!;
        volume[best] += degree[u]!;
        comm[u] = best;
      }
      if (best !== own) moved = true;
    }
    if (!moved) break;
  }
  // the client nodes were the refinement's own: the community map holds accounts and binding values only
  for (let id = 0; id < keys.length; id++) if (!isClient[id]) community[keys[id]!] = comm[id]!;
}

/** settleCards' nodes: dense ids in order of first appearance, with adjacency, community and whether a client. */
class SettleNodes {
  readonly keys: string[] = [];
  readonly adjacent: number[][] = [];
  readonly adjacentWeight: number[][] = [];
  readonly comm: number[] = [];
  readonly isClient: boolean[] = [];
  private readonly ids = new Map<string, number>();

  id(key: string, community: number, client: boolean): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.push(key) - 1;
      this.ids.set(key, id);
      this.adjacent.push([]);
      this.adjacentWeight.push([]);
      this.comm.push(community);
      this.isClient.push(client);
    }
    return id;
  }

  link(a: number, b: number, weight: number): void {
    this.adjacent[a]!.push(b);
    this.adjacentWeight[a]!.push(weight);
    this.adjacent[b]!.push(a);
    this.adjacentWeight[b]!.push(weight);
  }
}

const ascending = (x: number, y: number): number => x - y;

/** The community most of a client's holders are in (ties: the lowest). */
function clientCommunity(holders: readonly number[], community: Record<string, number>): number {
  const counts = new Map<number, number>();
  for (const m of holders) {
    const c = community[accountNode(m)]!;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best = -1;
  let most = 0;
  for (const [c, n] of counts) if (n > most || (n === most && c < best)) [best, most] = [c, n];
  return best;
}

/**
 * Louvain cuts a hydra along its strongest hubs (one community per reused card). Communities that share
 * binding values (several holders on each side, real weight) held by at least `merge_min_share` of each
 * are one actor: merge them (union-find over community ids, in place). So are communities whose shared
 * binding values come from at least `merge_min_bursts` independent sign-up facts (distinct creation bursts,
 * or a card): one actor's e-mail generator leaves its shape in every burst it signs up in, while two actors
 * whose generators happen to produce one shape touch in one burst only (the domains a generator alternates
 * between are one coincidence, not two). The client is the other independent fact: when at least
 * `merge_tooling_share` of the smaller side runs a client (JA4 + user agent, a value rare enough to weigh) that
 * the larger side runs too, a shape shared in one burst is the same actor's, not a coincidence of two generators.
 * Either rule only proposes: two groups merge when the sign-up runs they share cover the smaller one
 * (`signupCover`), best-covered pairs first, so two operators whose generators coincide in the bursts they
 * happened to share stay apart.
 */
function mergeAcrossHolderEvidence(
  community: Record<string, number>,
  inGraph: GraphValue[],
  lp: DetectorParams['linkage'],
): void {
  const parent = new Map<number, number>();
  const find = (c: number): number => {
    let r = c;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  // members of each community
  const size = new Map<number, number>();
  for (const node of Object.keys(community)) if (node.startsWith('a')) size.set(community[node]!, (size.get(community[node]!) ?? 0) + 1);
  const { linked, facts } = communityPairs(community, inGraph, lp);
  // merge when the link covers a real share of both sides (a hub cut off its own actor is linked almost
  // whole); two actors touching through a few coincidental values (one e-mail shape in one burst) are not,
  // even when one side holds that value throughout
  const pairs: [number, number][] = [];
  for (const link of [...linked.values()].sort((x, y) => x.lo - y.lo || x.hi - y.hi)) {
    const share = Math.min(link.loSide.size / size.get(link.lo)!, link.hiSide.size / size.get(link.hi)!);
    if (share >= lp.merge_min_share) pairs.push([link.lo, link.hi]);
  }
  const tooling = sharedTooling(community, inGraph, lp);
  for (const [, { lo, hi, sources }] of [...facts].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const independent = sources.size + (tooling(lo, hi) >= lp.merge_tooling_share ? 1 : 0);
    if (independent >= lp.merge_min_bursts) pairs.push([lo, hi]);
  }
  if (pairs.length === 0) return;
  // the best-covered pairs merge first, each asked again on the groups as merged so far: a fragment joins
  // the actor whose bursts it was made in before it could join a neighbour that shares a few of them
  const cover = signupCover(community, inGraph, lp);
  const ranked = pairs.map(([lo, hi]) => ({ lo, hi, first: cover.of(lo, hi).share }));
  ranked.sort((x, y) => y.first - x.first || x.lo - y.lo || x.hi - y.hi);
  let merged = false;
  for (const { lo, hi } of ranked) {
    const a = find(lo);
    const b = find(hi);
    if (a === b) continue;
    const { share, asked } = cover.of(a, b);
    if (asked >= lp.merge_cover_min_accounts && share < lp.merge_min_cover) continue;
    const [keep, gone] = a < b ? [a, b] : [b, a];
    parent.set(gone, keep);
    cover.join(keep, gone);
    merged = true;
  }
  if (!merged) return;
  for (const node of Object.keys(community)) community[node] = find(community[node]!);
}

/** Two communities, with their members that hold a binding value the other side holds too. */
type PairLink = { lo: number; hi: number; loSide: Set<number>; hiSide: Set<number> };
/** Two communities, with the independent sign-up facts behind the binding values they share. */
type PairFacts = { lo: number; hi: number; sources: Set<string> };

/**
 * Per pair of communities: the members on each side that hold a binding value the other side holds too (at
 * least two holders on each side), and the independent sign-up facts behind the binding values they share.
 * The hot loop of mergeAcrossHolderEvidence, in a function of its own: V8 compiles it without the rest.
 */
function communityPairs(
  community: Record<string, number>,
  inGraph: GraphValue[],
  lp: DetectorParams['linkage'],
): { linked: Map<string, PairLink>; facts: Map<string, PairFacts> } {
  const linked = new Map<string, PairLink>();
  const facts = new Map<string, PairFacts>();
  for (const { value, holders } of inGraph) {
    if (!BINDING_KINDS.has(value.kind) || value.weight < lp.min_family_weight) continue;
    const perCommunity = new Map<number, number[]>();
    for (const m of holders) {
      const c = community[accountNode(m)]!;
      const list = perCommunity.get(c);
      if (list) list.push(m);
      else perCommunity.set(c, [m]);
    }
    const touching = [...perCommunity.keys()].sort((x, y) => x - y);
    if (touching.length >= 2) {
      const fact = signupFact(value.key);
      for (let i = 0; i < touching.length; i++) {
        for (let j = i + 1; j < touching.length; j++) {
          const key = `${touching[i]}:${touching[j]}`;
          let pair = facts.get(key);
          if (!pair) facts.set(key, (pair = { lo: touching[i]!, hi: touching[j]!, sources: new Set() }));
          pair.sources.add(fact);
        }
      }
    }
    const sides = [...perCommunity].filter(([, ms]) => ms.length >= 2);
    for (let i = 0; i < sides.length; i++) {
      for (let j = i + 1; j < sides.length; j++) {
        const [a, b] = sides[i]![0] < sides[j]![0] ? [sides[i]!, sides[j]!] : [sides[j]!, sides[i]!];
        const key = `${a[0]}:${b[0]}`;
        let link = linked.get(key);
        if (!link) linked.set(key, (link = { lo: a[0], hi: b[0], loSide: new Set(), hiSide: new Set() }));
        for (const m of a[1]) link.loSide.add(m);
        for (const m of b[1]) link.hiSide.add(m);
      }
    }
  }
  return { linked, facts };
}

/**
 * Whether the sign-up values two groups share cover the smaller of them: one actor's accounts all come from
 * its own generator runs, cards and signup blocks, so a part Louvain cut off it (a card hub, a few accounts on
 * cards of their own) signs up in the bursts the rest signs up in, and nearly all of it holds a binding value
 * that two or more accounts of the rest hold too. Two actors whose e-mail generators produce one shape share
 * only the bursts in which they happened to sign up together: most accounts of either side were made in
 * windows the other did not use (`hydra-holdout` 1: 0.09 to 0.43 of a pool). Groups are kept current as
 * they merge (`join`), so a fragment made entirely in bursts two actors share joins one of them and does not
 * chain the two together: the merged group is asked again against the other actor.
 */
function signupCover(
  community: Record<string, number>,
  inGraph: GraphValue[],
  lp: DetectorParams['linkage'],
): { of: (a: number, b: number) => { share: number; asked: number }; join: (keep: number, gone: number) => void } {
  // per account its binding values; per group its accounts holding one and how many of them hold each value
  const valuesOf = new Map<number, string[]>();
  // accounts made in each run (of either domain)
  const made = new Map<string, number>();
  for (const { value, holders } of inGraph) {
    if (!BINDING_KINDS.has(value.kind) || value.weight < lp.min_family_weight) continue;
    const fact = value.kind === 'email_shape' ? generatorRun(value.key) : value.key;
    made.set(fact, (made.get(fact) ?? 0) + value.count);
    for (const m of holders) {
      const list = valuesOf.get(m);
      if (list) list.push(fact);
      else valuesOf.set(m, [fact]);
    }
  }
  const groups = new Map<number, { members: number[]; held: Map<string, number> }>();
  for (const [m, keys] of valuesOf) {
    const c = community[accountNode(m)]!;
    let g = groups.get(c);
    if (!g) groups.set(c, (g = { members: [], held: new Map() }));
    g.members.push(m);
    for (const key of keys) g.held.set(key, (g.held.get(key) ?? 0) + 1);
  }
  // The accounts asked are those made in a burst (an e-mail shape or signup block shared in it): an account
  // whose only shared sign-up value is its card says nothing about the bursts its side used. A run in the
  // next or previous bucket covers when the other side made more accounts there than this run has in all: a
  // burst's last hour spilling over the bucket's edge is its tail, not a burst of its own.
  const share = (side: number[], other: Map<string, number>) => {
    const held = (fact: string) => (other.get(fact) ?? 0) >= 2;
    let asked = 0;
    let n = 0;
    for (const m of side) {
      const facts = valuesOf.get(m)!;
      if (!facts.some((fact) => nextBursts(fact).length > 0)) continue;
      asked++;
      const tail = (fact: string) => nextBursts(fact).some((next) => held(next) && other.get(next)! > made.get(fact)!);
      if (facts.some((fact) => held(fact) || tail(fact))) n++;
    }
    return { share: asked > 0 ? n / asked : 1, asked };
  };
  return {
    of: (a, b) => {
      const ga = groups.get(a);
      const gb = groups.get(b);
      if (!ga || !gb) return { share: 0, asked: 0 };
      const [small, large] = ga.members.length <= gb.members.length ? [ga, gb] : [gb, ga];
      return share(small.members, large.held);
    },
    join: (keep, gone) => {
      const gk = groups.get(keep)!;
      const gg = groups.get(gone)!;
      for (const m of gg.members) gk.members.push(m);
      for (const [key, n] of gg.held) gk.held.set(key, (gk.held.get(key) ?? 0) + n);
      groups.delete(gone);
    },
  };
}

/**
 * For two communities, the share of the smaller one's members that run a client (a `client_fingerprint` value
 * of real weight) the larger one runs too (of equal sizes, the lower of the two shares). The smaller side is
 * the one asked: a pool rotates through many clients, a fragment cut off it runs a few of them, so most of the
 * pool runs none of the fragment's. Computed on demand: only pairs already linked by binding values ask.
 */
function sharedTooling(
  community: Record<string, number>,
  inGraph: GraphValue[],
  lp: DetectorParams['linkage'],
): (a: number, b: number) => number {
  const clients = new Map<number, string[]>();
  const members = new Map<number, number[]>();
  for (const { value, holders } of inGraph) {
    if (value.kind !== 'client_fingerprint' || value.weight < lp.min_family_weight) continue;
    for (const m of holders) {
      const list = clients.get(m);
      if (list) list.push(value.key);
      else clients.set(m, [value.key]);
    }
  }
  for (const node of Object.keys(community)) {
    if (!node.startsWith('a')) continue;
    const c = community[node]!;
    const list = members.get(c);
    if (list) list.push(Number(node.slice(1)));
    else members.set(c, [Number(node.slice(1))]);
  }
  const share = (side: number[], other: number[]) => {
    const run = new Set<string>();
    for (const m of other) for (const key of clients.get(m) ?? []) run.add(key);
    let n = 0;
    for (const m of side) if ((clients.get(m) ?? []).some((key) => run.has(key))) n++;
    return side.length > 0 ? n / side.length : 0;
  };
  return (a, b) => {
    const ma = members.get(a) ?? [];
    const mb = members.get(b) ?? [];
    if (ma.length === mb.length) return Math.min(share(ma, mb), share(mb, ma));
    return ma.length < mb.length ? share(ma, mb) : share(mb, ma);
  };
}

/**
 * The sign-up fact behind a binding value: its creation burst for values bucketed by creation time (an
 * e-mail shape at gmail and at outlook in one burst is one coincidence), the card itself for a card.
 */
function signupFact(key: string): string {
  const bar = key.lastIndexOf('|');
  return bar >= 0 ? `burst ${key.slice(bar + 1)}` : key;
}

/**
 * An e-mail shape value without its domain (`mail:aaaaaaaa.999|82919`): one run of a generator in one burst,
 * whichever of the domains it alternates between an account got.
 */
function generatorRun(key: string): string {
  const at = key.lastIndexOf('@');
  const bar = key.lastIndexOf('|');
  return at >= 0 && bar > at ? `${key.slice(0, at)}${key.slice(bar)}` : key;
}

/**
 * The same value in the creation bursts just before and after (`…|82915`, `…|82917` for `…|82916`): a burst
 * lasts hours and the buckets' edges cut it where they fall, so the accounts an actor made in its last hour
 * land in the next bucket. None for a value without a burst (a card).
 */
function nextBursts(fact: string): string[] {
  const bar = fact.lastIndexOf('|');
  const burst = bar >= 0 ? Number(fact.slice(bar + 1)) : NaN;
  if (!Number.isInteger(burst)) return [];
  const head = fact.slice(0, bar + 1);
  return [`${head}${burst - 1}`, `${head}${burst + 1}`];
}

/** Several independent families (one of them about the account's holder), or one very strong value. */
function strongEnough(familyWeights: Map<string, number>, lp: DetectorParams['linkage']): boolean {
  let families = 0;
  let accountFamilies = 0;
  let total = 0;
  for (const [family, w] of familyWeights) {
    total += w;
    if (w < lp.min_family_weight) continue;
    families++;
    if (ACCOUNT_FAMILIES.has(family)) accountFamilies++;
  }
  return (families >= lp.min_kinds && accountFamilies > 0) || total >= lp.strong_weight;
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
