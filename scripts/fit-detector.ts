// `npm run fit`: the documented, repeatable fitting procedure for the detector's heads and thresholds
// (docs/fitting.md). Simulates the training scenarios, streams them through the engine, fits one logistic head
// per flagged class on per-account feature snapshots, picks thresholds for the benign false-positive target,
// checks them with a streaming replay, scores the result on held-out scenarios the fit never saw, and writes
// src/detect/params.json with the held-out score in its provenance.
//
//   node --import tsx scripts/fit-detector.ts [--scale 1] [--train mixed:1,mixed:2,low-and-slow:2:builtin,...] [--holdout mixed-holdout:101]
//        [--l2 20] [--benign-balance account|sqrt|persona] [--fpr-target 0.001] [--verify-rounds 4] [--margin 0.5] [--campaign-threshold fitted] [--data DIR] [--out src/detect/params.json] [--report fit-report.json] [--dry-run]
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { summaryTable } from '../src/cli/eval.ts';
import { defaultParams } from '../src/detect/params.ts';
import type { DetectorParams } from '../src/detect/types.ts';
import { CAMPAIGN_FEATURE_NAMES } from '../src/detect/scoring.ts';
import { BENIGN_BALANCES, chooseThresholds, collectSamples, DEFAULT_WEIGHTING, fitCampaignHead, fitHeads, promptDataDir, runName, streamingThreshold, toParams, type BenignBalance, type CommunitySample, type Sample, type StreamingPeak, type TrainingRun } from '../src/eval/fit/procedure.ts';
import { TARGETS, type EvalMetrics } from '../src/eval/metrics.ts';
import { evalScenario } from '../src/eval/run-eval.ts';
import { defaultDataDir } from '../src/sim/prompts/data.ts';

const { values: args } = parseArgs({
  options: {
    // small:1-8 are cheap (20k events each) and each holds a laundering account: with the five in the larger
    // runs alone, the established-account head was fitted on sleepers and low-and-slow accounts and missed it
    // runs marked `:builtin` use the built-in prompt templates even when the public sets are at hand: trained on
    // one source alone, the heads learn which source a prompt came from (dataset tasks in harvests, templates in
    // benign work) and miss harvests of templated tasks
    train: { type: 'string', default: 'mixed:1,mixed:2,mixed:3,hard-negatives:1,hard-negatives:2,low-and-slow:1,extraction:1,jailbreak:1,release-pivot:1,small:1,small:2,small:3,small:4,small:5,small:6,small:7,small:8,mixed:4:builtin,hard-negatives:3:builtin,low-and-slow:2:builtin,jailbreak:2:builtin,small:9:builtin,small:10:builtin,small:11:builtin,small:12:builtin' },
    // a replay of training scenarios with the new parameters (streaming, as analyze runs) to confirm the FP target
    verify: { type: 'string', default: 'hard-negatives:1,mixed:1,hard-negatives:3:builtin' },
    holdout: { type: 'string', default: 'mixed-holdout:101,hard-negatives-holdout:102,small-holdout:101,mixed-holdout:101:builtin,hard-negatives-holdout:102:builtin,small-holdout:101:builtin' },
    scale: { type: 'string', default: '1' },
    l2: { type: 'string', default: '20' },
    // how the benign samples share the benign weight in the heads: alike ('account'), equally per persona
    // ('persona'), or in between ('sqrt'); docs/fitting.md, step 3
    'benign-balance': { type: 'string', default: DEFAULT_WEIGHTING.benignBalance },
    'fpr-target': { type: 'string', default: '0.001' },
    'verify-rounds': { type: 'string', default: '4' },
    // log-odds added above the benign edge when choosing the flag threshold
    margin: { type: 'string', default: '0.5' },
    // campaign threshold: 'fitted' (from the community samples) or a number
    'campaign-threshold': { type: 'string', default: 'fitted' },
    out: { type: 'string', default: 'src/detect/params.json' },
    report: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    // public prompt sets, as `simulate` and `eval` use by default (../shared/data when it exists)
    data: { type: 'string' },
  },
});

const scale = Number(args.scale);
const benignBalance = args['benign-balance'] as BenignBalance;
if (!BENIGN_BALANCES.includes(benignBalance)) throw new Error(`--benign-balance must be one of ${BENIGN_BALANCES.join(', ')}, got ${benignBalance}`);
const runs = (spec: string): TrainingRun[] =>
  spec.split(',').filter(Boolean).map((part) => {
    const [scenario, seed, prompts] = part.split(':');
    if (prompts !== undefined && prompts !== 'builtin') throw new Error(`run ${part}: the third part may only be 'builtin'`);
    return { scenario: scenario!, seed: Number(seed ?? 1), scale, builtinPrompts: prompts === 'builtin' };
  });
const log = (msg: string) => console.error(`[fit ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(2)}%`);

const dataDir = args.data !== undefined ? resolve(args.data) : defaultDataDir(process.cwd());
const base = defaultParams();
const train = runs(args.train!);
const holdout = runs(args.holdout!);
const trainNames = new Set(train.map((r) => `${r.scenario}:${r.seed}`));
const evalRun = (run: TrainingRun, p: DetectorParams) =>
  evalScenario({ scenario: run.scenario, seed: run.seed, scale: run.scale, dataDir: promptDataDir(run, dataDir) }, p);
for (const h of holdout) {
  if (trainNames.has(`${h.scenario}:${h.seed}`) || !h.scenario.endsWith('-holdout')) throw new Error(`held-out run ${h.scenario}:${h.seed} must be a *-holdout scenario the fit does not use`);
}

// 1. features: every training run streamed through the engine, accounts snapshotted over simulated time
//    (account features do not depend on the heads, so the shipped heads play no part: the member gate of
//    linking, the only place they would, is off in this pass)
const samples: Sample[] = [];
for (const run of train) {
  const t0 = Date.now();
  const r = collectSamples(run, base, dataDir, false);
  samples.push(...r.samples);
  log(`${runName(run)} scale ${scale}: ${r.events.toLocaleString('en-US')} events, ${r.samples.length.toLocaleString('en-US')} samples (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

// 2. heads, 3. thresholds
const heads = fitHeads(samples, Number(args.l2), { ...DEFAULT_WEIGHTING, benignBalance });
const fprTarget = Number(args['fpr-target']);
const choice = chooseThresholds(heads, samples, fprTarget, Number(args.margin));
log(`thresholds: flagged ${choice.flagged.toFixed(4)}, suspicious ${choice.suspicious.toFixed(4)}; training accounts at their riskiest snapshot: ` +
  `benign flagged ${choice.train.benignFlagged}/${choice.train.benignAccounts}, attackers flagged ${choice.train.attackFlagged}/${choice.train.attackAccounts}`);

// 4. the campaign head: the training runs again, now with the fitted heads gating who may join a community
//    as the engine will, and every community the linker forms at each snapshot pooled and labelled
const placeholder = { bias: 0, weights: new Float64Array(CAMPAIGN_FEATURE_NAMES.length) };
const gatedParams = toParams(base, heads, placeholder, { flagged: choice.flagged, suspicious: choice.suspicious, campaign: 0.5 }, 'fitting in progress');
const communities: CommunitySample[] = [];
const peaks: StreamingPeak[] = [];
for (const run of train) {
  const r = collectSamples(run, gatedParams, dataDir, true);
  communities.push(...r.communities);
  peaks.push(...r.peaks);
  const attack = r.communities.filter((c) => c.cls !== 'benign').length;
  log(`${runName(run)}: ${r.communities.length} community snapshots (${attack} mostly attackers)`);
}
// the flag threshold from the same pass: the engine scores at every event, so what counts is the highest risk
// a benign account ever reaches, not its risk at a few snapshots
const stream = streamingThreshold(peaks, fprTarget, Number(args.margin));
log(`streaming flag threshold ${stream.flagged.toFixed(4)} (snapshot choice ${choice.flagged.toFixed(4)}): benign accounts ever at or above it ` +
  `${stream.benignFlagged}/${stream.benignAccounts}, attackers ${stream.attackFlagged}/${stream.attackAccounts}`);
const flagThreshold = stream.flagged;
const campaignFit = fitCampaignHead(heads, communities, Number(args.l2), Number(args.margin));
log(`campaign head: threshold ${campaignFit.threshold.toFixed(4)}; training communities flagged: benign ${campaignFit.train.benignFlagged}/${campaignFit.train.benignCommunities}, ` +
  `attack ${campaignFit.train.attackFlagged}/${campaignFit.train.attackCommunities}`);

// 5. streaming check on training data: the engine flags while streaming and through campaigns (pooled
//    features the per-account snapshots do not cover). Replay, split the benign false positives by the cause
//    of their first flag (on their own, with a mostly benign campaign, or linked into a campaign of attackers)
//    and raise the matching threshold in log-odds until the replay meets the benign FP target. Benign accounts
//    linked into attack campaigns are reported, not acted on: raising the campaign threshold would let the
//    whole campaign go to unflag them.
const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const campaignThreshold = args['campaign-threshold'] === 'fitted' ? campaignFit.threshold : Number(args['campaign-threshold']);
let thresholds = { flagged: flagThreshold, suspicious: Math.min(choice.suspicious, flagThreshold), campaign: campaignThreshold };
let params: DetectorParams = toParams(base, heads, campaignFit.head, thresholds, 'fitting in progress');
const rounds = Number(args['verify-rounds']);
const allowed = TARGETS.benign_fpr_max;
for (let round = 0; round < rounds; round++) {
  let benign = 0, own = 0, viaCampaign = 0, intoAttackCampaign = 0;
  const flaggedPersonas = new Map<string, number>();
  for (const run of runs(args.verify!)) {
    const r = evalRun(run, params);
    // a benign account flagged with a campaign of mostly attackers (as the campaign stood then: every account
    // it had held) was linked into a real campaign (a linking error no threshold can fix without letting the
    // campaign go); one flagged with a mostly benign campaign is the campaign head's error
    const mostlyAttackers = (members: readonly string[]) => 2 * members.filter((m) => r.labels.accounts[m]?.class !== 'benign').length > members.length;
    for (const a of r.results.accounts) {
      if (r.labels.accounts[a.account_id]?.class !== 'benign') continue;
      benign++;
      // ever flagged while streaming (the gateway would have acted), not only at the end
      if (a.first_flagged_at === null) continue;
      // by the cause of the first flag: a campaign that flagged a benign account may have dissolved since
      const campaignThen = r.campaignAtFlag.get(a.account_id);
      const cause = campaignThen === undefined ? 'own' : mostlyAttackers(campaignThen) ? 'attack campaign' : 'campaign';
      if (cause === 'own') own++;
      else if (cause === 'campaign') viaCampaign++;
      else intoAttackCampaign++;
      const key = `${r.labels.accounts[a.account_id]!.persona}${cause === 'own' ? '' : ` (${cause})`}`;
      flaggedPersonas.set(key, (flaggedPersonas.get(key) ?? 0) + 1);
    }
  }
  log(`streaming replay of training runs, round ${round + 1}: benign flagged ${own} on their own + ${viaCampaign} through benign campaigns + ${intoAttackCampaign} linked into attack campaigns, of ${benign} ` +
    `(thresholds flagged ${thresholds.flagged.toFixed(4)}, campaign ${thresholds.campaign.toFixed(4)})` +
    (flaggedPersonas.size > 0 ? `; personas: ${[...flaggedPersonas].map(([p, n]) => `${p} ${n}`).join(', ')}` : ''));
  if (benign === 0 || (own + viaCampaign) / benign <= allowed) break;
  const step = (p: number) => Math.min(0.9999, sigmoid(logit(p) + 1));
  if (own / benign > allowed / 2) thresholds = { ...thresholds, flagged: step(thresholds.flagged), suspicious: Math.min(thresholds.suspicious, step(thresholds.flagged)) };
  if (viaCampaign / benign > allowed / 2) thresholds = { ...thresholds, campaign: step(thresholds.campaign) };
  params = toParams(base, heads, campaignFit.head, thresholds, 'fitting in progress');
}

// 6. held-out score
const held: { run: TrainingRun; events: number; metrics: EvalMetrics }[] = [];
for (const run of holdout) {
  const r = evalRun(run, params);
  held.push({ run, events: r.events, metrics: r.metrics });
  console.log(`\nheld out: ${runName(run)} scale ${scale} (${r.events.toLocaleString('en-US')} events)\n${summaryTable(r.metrics)}`);
}

const score = held
  .map(({ run, metrics: m }) => `${runName(run)} recall ${pct(m.attack_recall.value)}, benign FPR ${pct(m.benign_fpr.value)}, pairwise F1 ${m.campaign_pairwise.f1?.toFixed(3) ?? 'n/a'}, served-before-flagged ${pct(m.served_before_flagged.value)}`)
  .join('; ');
const provenance = `fitted ${new Date().toISOString().slice(0, 10)} by scripts/fit-detector.ts on ${args.train} (scale ${scale}, l2 ${args.l2}, benign weight per ${benignBalance}, FP target ${fprTarget}, prompts ${dataDir === null ? 'built-in only' : 'shared data, built-in where marked'}); held-out: ${score}`;
params = toParams(base, heads, campaignFit.head, thresholds, provenance);

if (args.report) {
  writeFileSync(resolve(args.report), `${JSON.stringify({ provenance, thresholds, train: choice.train, train_streaming: stream, train_communities: campaignFit.train, held_out: held.map((h) => ({ ...h.run, events: h.events, metrics: h.metrics })) }, null, 2)}\n`);
}
if (args['dry-run']) {
  log(`dry run: parameters not written\n${JSON.stringify(params, null, 2)}`);
} else {
  writeFileSync(resolve(args.out!), `${JSON.stringify(params, null, 2)}\n`);
  log(`wrote ${args.out}`);
}
