// The simulator's entry point: a scenario, a seed, a scale and a number of days in; accounts, a time-ordered
// event stream and exact labels out. Deterministic: the same inputs give the same bytes.
import type { AccountRecordV1, LogEventV1 } from '../events/types.ts';
import { ConfigError } from '../errors.ts';
import { ATTACKS } from './attacks/index.ts';
import { mergeStreams } from './merge.ts';
import { PERSONAS } from './personas/index.ts';
import { buildPromptLibrary } from './prompts/library.ts';
import { Rng } from './rng.ts';
import { getScenario, type ScenarioDef } from './scenarios.ts';
import { DAY_MS, HOUR_MS, isoMs, SCENARIO_START_MS } from './time.ts';
import { emptyPopulation, mergePopulation, type AccountLabel, type CampaignLabel, type ModelRelease, type Population, type World } from './world.ts';

export interface SimulateOptions {
  scenario: string;
  seed?: number;
  scale?: number;
  days?: number;
  /** Folder of public prompt sets (../shared/data); null or absent: built-in templates only. */
  dataDir?: string | null;
}

export interface Labels {
  version: 1;
  scenario: string;
  seed: number;
  scale: number;
  days: number;
  accounts: Record<string, AccountLabel>;
  campaigns: Record<string, CampaignLabel>;
  /** Models released during the run (an addition to the labels contract; readers may ignore it). */
  releases: ModelRelease[];
  /** Where the prompts came from: "data" (public sets) or "builtin" templates. */
  prompt_source: 'data' | 'builtin';
}

export interface SimulationResult {
  accounts: AccountRecordV1[];
  /** Every request in log order. One pass only: the stream is generated as it is read. */
  events: Iterable<LogEventV1>;
  labels: Labels;
}

export const DEFAULT_SEED = 1;
export const BASE_MODEL = 'frontier-large';
export const SMALL_MODEL = 'frontier-mini';
export const NEW_MODEL = 'frontier-large-2';

/** The release lands on day 3 of a week-long run (17:00 UTC), earlier in shorter runs. */
function releaseTime(days: number): number {
  const offsetDays = days >= 4 ? 2 : days >= 2 ? 0.5 : 0.25;
  const at = SCENARIO_START_MS + offsetDays * DAY_MS + 17 * HOUR_MS;
  return Math.min(at, SCENARIO_START_MS + days * DAY_MS - 6 * HOUR_MS);
}

/**
 * Memory holds every account (~25 KB each with its generator): mixed at scale 20 (31,400 accounts, 3.2M requests)
 * peaked at 750 MB RSS, so 50 stays well inside Node's default heap; a typo such as 1e9 fails here, not in V8.
 */
const MAX_SCALE = 50;

function checkOptions(o: SimulateOptions): { seed: number; scale: number } {
  const seed = o.seed ?? DEFAULT_SEED;
  const scale = o.scale ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`--seed must be a non-negative integer, got ${o.seed}`);
  if (!(scale > 0 && scale <= MAX_SCALE)) throw new ConfigError(`--scale must be a positive number up to ${MAX_SCALE}, got ${o.scale}`);
  if (o.days !== undefined && (!(o.days > 0) || !Number.isFinite(o.days) || o.days > 366)) throw new ConfigError(`--days must be in (0, 366], got ${o.days}`);
  return { seed, scale };
}

function spawnAll(def: ScenarioDef, world: World, rng: Rng, scale: number): Population {
  const pop = emptyPopulation();
  for (const e of def.entries) {
    const spawner = e.kind === 'persona' ? PERSONAS[e.actor] : ATTACKS[e.actor];
    if (!spawner) throw new ConfigError(`scenario ${def.name} names unknown ${e.kind} "${e.actor}"`);
    const er = rng.fork(`${e.kind}:${e.actor}`);
    if (e.kind === 'persona') {
      const count = Math.max(1, Math.round(e.count * scale));
      mergePopulation(pop, spawner(world, er, count));
    } else {
      const size = e.size ?? 1;
      const scaledSize = size > 1 ? Math.max(1, Math.round(size * scale)) : 1;
      const campaigns = size > 1 ? e.count : Math.max(1, Math.round(e.count * scale));
      for (let i = 0; i < campaigns; i++) mergePopulation(pop, spawner(world, er.fork(`campaign${i}`), scaledSize));
    }
  }
  return pop;
}

export function simulate(opts: SimulateOptions): SimulationResult {
  const def = getScenario(opts.scenario);
  const { seed, scale } = checkOptions(opts);
  const days = opts.days ?? def.days;
  const root = new Rng(`distillguard-sim/${def.name}/${def.variant}/${seed}/${scale}/${days}`);
  const world: World = {
    scenario: def.name,
    seed,
    start: SCENARIO_START_MS,
    end: SCENARIO_START_MS + Math.round(days * DAY_MS),
    variant: def.variant,
    prompts: buildPromptLibrary(def.variant, opts.dataDir ?? null),
    baseModel: BASE_MODEL,
    smallModel: SMALL_MODEL,
    newModel: NEW_MODEL,
    releaseAt: releaseTime(days),
    attackTempo: def.attackTempo,
  };
  const pop = spawnAll(def, world, root.fork('population'), scale);
  const labels: Labels = {
    version: 1,
    scenario: def.name,
    seed,
    scale,
    days,
    accounts: {},
    campaigns: pop.campaigns,
    releases: [{ model: NEW_MODEL, released_at: isoMs(world.releaseAt) }],
    prompt_source: world.prompts.source,
  };
  for (const acc of pop.accounts) labels.accounts[acc.record.account_id] = acc.label;
  const accounts = pop.accounts.map((x) => x.record);
  accounts.sort((x, y) => (x.created_at ?? '').localeCompare(y.created_at ?? '') || x.account_id.localeCompare(y.account_id));
  const streams = pop.accounts.map((x) => x.events);
  const mergeRng = root.fork('merge');
  let consumed = false;
  const events: Iterable<LogEventV1> = {
    [Symbol.iterator]: () => {
      // The per-account generators are spent after one pass; a second pass would silently yield nothing.
      if (consumed) throw new Error('simulation events can be read once; call simulate() again for another pass');
      consumed = true;
      return mergeStreams(streams, mergeRng);
    },
  };
  return { accounts, events, labels };
}
