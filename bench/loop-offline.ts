// The closed loop without HTTP, for trying enforcement rules quickly: a simulated scenario's events go, in log order,
// through the streaming detector (src/detect) and its decisions, `--lag` seconds of log time later, through the
// Enforcer (real rules, real SQLite store); each event meets the enforcement its account has at that moment.
// Reports the replay's first two targets as the gateway would count them if it applied exactly that (rate limits
// and the gateway's own refusals are not modelled, so it reads a little lower than a replay). A tool for comparing
// rules across scenarios in seconds; the replay bench (replay-bench.ts) is the measurement.
//
//   node --import tsx bench/loop-offline.ts [--scenario=small-holdout] [--seed=101] [--scale=1] [--lag=1] [--rules=FILE.json]
//     [--lift-after=N]  (enforcement.lift_after_requests; default: the shipped setting)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig } from '../src/config/load.ts';
import { Detector } from '../src/detect/detector.ts';
import type { Decision } from '../src/detect/types.ts';
import { type AccountInfo, type CampaignContext, Enforcer } from '../src/enforce/enforcer.ts';
import { simulate } from '../src/sim/simulate.ts';
import { openDatabase } from '../src/store/sqlite.ts';

const HOUR_MS = 3_600_000;
const WITHHOLDING = new Set(['degrade', 'verify', 'suspend']);

const { values } = parseArgs({
  options: { scenario: { type: 'string' }, seed: { type: 'string' }, scale: { type: 'string' }, lag: { type: 'string' }, rules: { type: 'string' }, 'lift-after': { type: 'string' } },
  strict: true,
});
const scenario = values.scenario ?? 'small-holdout';
const seed = Number(values.seed ?? 101);
const scale = Number(values.scale ?? 1);
const lagMs = Number(values.lag ?? 1) * 1000;
const rules = values.rules ? (JSON.parse(readFileSync(values.rules, 'utf8')) as unknown) : undefined;

const sim = simulate({ scenario, seed, scale, dataDir: null });
const labels = sim.labels;
const accounts = new Map<string, AccountInfo>();
for (const a of sim.accounts) accounts.set(a.account_id, { tier: a.verification ?? 'none', orgId: a.org_id ?? null });

const dir = mkdtempSync(join(tmpdir(), 'dg-loop-offline-'));
const db = openDatabase(join(dir, 'distillguard.sqlite'));
try {
  const liftAfter = values['lift-after'] === undefined ? {} : { lift_after_requests: Number(values['lift-after']) };
  const config = resolveConfig({ enforcement: { mode: 'enforce', ...(rules ? { rules } : {}), ...liftAfter } }).enforcement;
  const detector = new Detector();
  const enforcer = new Enforcer({
    db,
    config,
    detectorVersion: 'offline',
    detectorThresholds: detector.params.thresholds,
    accountInfo: (id) => accounts.get(id) ?? null,
  });
  for (const a of sim.accounts) detector.ingestAccount(a);

  const pending: { atMs: number; decision: Decision; campaign: CampaignContext | null }[] = [];
  let head = 0;
  const campaignStart = new Map<string, number>();
  for (const [id, c] of Object.entries(labels.campaigns)) campaignStart.set(id, Date.parse(c.started_at));
  let attackerTotal = 0;
  let attackerWithheld = 0;
  let benignRequests = 0;
  let benignAffected = 0;
  const personasAffected: Record<string, number> = {};
  const benignSuspended = new Set<string>();
  const reasoningByAction: Record<string, number> = {};

  for (const ev of sim.events) {
    const tsMs = Date.parse(ev.ts);
    while (head < pending.length && pending[head]!.atMs + lagMs <= tsMs) {
      const p = pending[head++]!;
      enforcer.onDecision(p.decision, p.campaign);
    }
    // observe changes nothing: the replay counts it as none
    const found = enforcer.enforcementFor(ev.account_id)?.kind ?? 'none';
    const kind = found === 'observe' ? 'none' : found;
    // the request is served, then counted toward rules waiting for more requests (after_requests)
    enforcer.onRequests([ev]);
    const label = labels.accounts[ev.account_id];
    if (label?.class === 'benign') {
      benignRequests++;
      if (kind !== 'none') {
        benignAffected++;
        personasAffected[label.persona] = (personasAffected[label.persona] ?? 0) + 1;
        if (kind === 'suspend') benignSuspended.add(ev.account_id);
      }
    } else if (label) {
      const key = label.campaign_id ?? `account:${ev.account_id}`;
      if (!campaignStart.has(key)) campaignStart.set(key, tsMs);
      if (tsMs >= campaignStart.get(key)! + HOUR_MS) {
        const reasoning = ev.response.reasoning_tokens ?? 0;
        attackerTotal += reasoning;
        reasoningByAction[kind] = (reasoningByAction[kind] ?? 0) + reasoning;
        if (WITHHOLDING.has(kind) || ev.response.status < 200 || ev.response.status >= 300) attackerWithheld += reasoning;
      }
    }
    const decisions = detector.ingest(ev);
    if (decisions.length === 0) continue;
    const ids = new Set(decisions.map((d) => d.campaign_id).filter((id): id is string => id !== null));
    const campaigns = new Map<string, CampaignContext>();
    for (const c of detector.tracker.current) {
      if (ids.has(c.id)) campaigns.set(c.id, { id: c.id, members: c.members.map((i) => detector.accounts[i]!.id), evidence: c.evidence });
    }
    for (const d of decisions) pending.push({ atMs: tsMs, decision: d, campaign: d.campaign_id ? (campaigns.get(d.campaign_id) ?? null) : null });
  }
  console.log(
    JSON.stringify({
      scenario,
      seed,
      scale,
      lag_seconds: lagMs / 1000,
      attacker_reasoning_after_first_hour_withheld: attackerTotal > 0 ? attackerWithheld / attackerTotal : null,
      benign_affected_share: benignRequests > 0 ? benignAffected / benignRequests : null,
      benign_personas_affected: personasAffected,
      benign_accounts_suspended: [...benignSuspended],
      attacker_reasoning_by_action: reasoningByAction,
    }),
  );
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
