// Named scenarios: which personas and attacks, how many, over how many days, and which half of the template
// pools and seed space they draw from. Counts are at scale 1; `--scale` multiplies accounts.
import { ConfigError } from '../errors.ts';

export interface ScenarioEntry {
  actor: string;
  kind: 'persona' | 'attack';
  /** Personas: accounts. Attacks: campaigns. */
  count: number;
  /** Attacks: accounts per campaign (scaled when above 1). */
  size?: number;
}

export interface ScenarioDef {
  name: string;
  description: string;
  days: number;
  /** 0: fitting scenarios; 1: held-out (other template halves, other seed space, other timing). */
  variant: 0 | 1;
  /** Multiplies attackers' request gaps (held-out runs are paced differently). */
  attackTempo: number;
  entries: ScenarioEntry[];
}

const p = (actor: string, count: number): ScenarioEntry => ({ actor, kind: 'persona', count });
const a = (actor: string, count: number, size = 1): ScenarioEntry => ({ actor, kind: 'attack', count, size });

const ALL_BENIGN = [
  p('casual', 750), p('coding-app', 50), p('rag-app', 22), p('eval-lab', 8), p('tutoring-app', 15), p('university', 120),
  p('enterprise', 40), p('reseller', 6), p('translation', 10), p('copywriting', 15), p('power-user', 40),
];
const ALL_ATTACKS = [
  a('hydra', 2, 150), a('low-and-slow', 1, 25), a('agentic-sweep', 1, 20), a('logprob-extraction', 1, 6), a('jailbreaker', 4, 3),
  a('laundering', 1), a('sleeper', 1, 30), a('multilingual', 1, 40), a('rubric-grading', 1, 20), a('release-pivot', 1, 40),
];

function holdout(def: ScenarioDef): ScenarioDef {
  return { ...def, name: `${def.name}-holdout`, description: `${def.description} Held out: other template halves, seeds and timing.`, variant: 1, attackTempo: 1.35 };
}

const MIXED: ScenarioDef = {
  name: 'mixed', description: 'Every benign persona and every attack, ~1,500 accounts and ~150k requests over a week.',
  days: 7, variant: 0, attackTempo: 1, entries: [...ALL_BENIGN, ...ALL_ATTACKS],
};

const BASE_SCENARIOS: ScenarioDef[] = [
  MIXED,
  {
    name: 'small', description: 'Fast: every persona and attack in miniature, ~300 accounts and ~20k requests over 2 days.',
    days: 2, variant: 0, attackTempo: 1,
    entries: [
      p('casual', 90), p('coding-app', 30), p('rag-app', 14), p('eval-lab', 3), p('tutoring-app', 5), p('university', 25), p('enterprise', 10),
      p('reseller', 4), p('translation', 4), p('copywriting', 4), p('power-user', 8),
      a('hydra', 1, 100), a('low-and-slow', 1, 6), a('agentic-sweep', 1, 5), a('logprob-extraction', 1, 2), a('jailbreaker', 2, 2), a('laundering', 1),
      a('sleeper', 1, 6), a('multilingual', 1, 8), a('rubric-grading', 1, 4), a('release-pivot', 1, 6),
    ],
  },
  {
    name: 'hydra', description: 'Large hydra pools amid ordinary traffic.', days: 7, variant: 0, attackTempo: 1,
    entries: [p('casual', 500), p('university', 80), p('enterprise', 20), p('reseller', 3), p('power-user', 20), a('hydra', 3, 400)],
  },
  {
    name: 'low-and-slow', description: 'Paraphrased harvests at human pace among people doing similar things.', days: 7, variant: 0, attackTempo: 1,
    entries: [p('casual', 500), p('tutoring-app', 15), p('university', 80), p('power-user', 40), p('eval-lab', 4), a('low-and-slow', 3, 25)],
  },
  {
    name: 'extraction', description: 'Logprob and logit_bias extraction next to power users and labs that use logprobs legitimately.', days: 4, variant: 0, attackTempo: 1,
    entries: [p('casual', 300), p('power-user', 60), p('eval-lab', 6), p('coding-app', 20), a('logprob-extraction', 4, 5)],
  },
  {
    name: 'jailbreak', description: 'Jailbreakers and prompt injection against a backdrop including resellers whose end users sometimes try it.', days: 4, variant: 0, attackTempo: 1,
    entries: [p('casual', 400), p('reseller', 5), p('rag-app', 15), p('university', 60), a('jailbreaker', 12, 3)],
  },
  {
    name: 'release-pivot', description: 'A model release on day 3: pools pivot within hours, benign users adopt slowly, labs and routers quickly.', days: 6, variant: 0, attackTempo: 1,
    entries: [p('casual', 400), p('eval-lab', 8), p('reseller', 5), p('power-user', 40), p('coding-app', 20), a('release-pivot', 2, 60), a('hydra', 1, 100)],
  },
  {
    name: 'hard-negatives', description: 'Mostly the benign personas that look like attacks, with a few attacks mixed in.', days: 7, variant: 0, attackTempo: 1,
    entries: [
      p('casual', 300), p('coding-app', 40), p('rag-app', 30), p('eval-lab', 20), p('tutoring-app', 30), p('university', 200), p('enterprise', 80),
      p('reseller', 10), p('translation', 20), p('copywriting', 25), p('power-user', 80),
      a('low-and-slow', 1, 15), a('laundering', 1), a('multilingual', 1, 16), a('jailbreaker', 2, 2),
    ],
  },
];

/** Every scenario and its held-out twin (`mixed-holdout`, `small-holdout`, ...). */
const SCENARIOS: ScenarioDef[] = [...BASE_SCENARIOS, ...BASE_SCENARIOS.map(holdout)];

export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

export function getScenario(name: string): ScenarioDef {
  const def = SCENARIOS.find((s) => s.name === name);
  if (!def) throw new ConfigError(`unknown scenario "${name}"; known: ${scenarioNames().join(', ')}`);
  return def;
}
