// What attack campaigns share: a campaign id and label, sign-up infrastructure (e-mail generator, card pool,
// creation bursts, residential proxies) and harvest prompt wrappers with variable slots.
import type { AccountClass, AttackClass, CampaignLabel, Population, SimAccount, TimedEvent, World } from '../world.ts';
import type { NewAccount } from '../common.ts';
import { newId, paymentFingerprint } from '../identity.ts';
import { addressIn, networksOf, type Address, type Network } from '../net.ts';
import type { Rng } from '../rng.ts';
import { HOUR_MS, isoMs } from '../time.ts';
import { coercion, type Lang } from '../prompts/builtin-attack.ts';
import { partition } from '../prompts/slots.ts';

export interface Campaign {
  id: string;
  kind: AttackClass;
  attack: string;
  startedAt: number;
}

export function newCampaign(rng: Rng, kind: AttackClass, attack: string, startedAt: number): Campaign {
  return { id: newId(rng, 'camp', 10), kind, attack, startedAt };
}

export function campaignPopulation(c: Campaign, accounts: SimAccount[]): Population {
  const label: CampaignLabel = { kind: c.kind, attack: c.attack, started_at: isoMs(c.startedAt) };
  return { accounts, campaigns: { [c.id]: label } };
}

export function attackAccount(c: Campaign, account: NewAccount, events: Iterator<TimedEvent>): SimAccount {
  const cls: AccountClass = c.kind;
  return { record: account.record, label: { class: cls, persona: c.attack, campaign_id: c.id }, events };
}

/** One generator of sign-up e-mails: every address it makes has the same shape family. */
export function emailGenerator(rng: Rng): { domain: (r: Rng) => string; local: (r: Rng) => string } {
  const style = rng.int(0, 3);
  const domains = rng.chance(0.5) ? ['gmail.com', 'outlook.com'] : [`${rng.pick(['mailbox', 'inboxly', 'postmix', 'quickmail'])}${rng.int(1, 9)}.net`, `${rng.pick(['zmail', 'fastbox'])}.org`];
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const word = (r: Rng, n: number) => Array.from({ length: n }, () => letters[r.int(0, 25)]).join('');
  const digits = (r: Rng, n: number) => Array.from({ length: n }, () => String(r.int(0, 9))).join('');
  return {
    domain: (r) => r.pick(domains),
    local: (r) => style === 0 ? `${word(r, 6)}${word(r, 5)}${digits(r, 4)}` : style === 1 ? `${word(r, 8)}.${digits(r, 3)}`
      : style === 2 ? `${word(r, 5)}_${word(r, 6)}${digits(r, 2)}` : `${word(r, 7)}${digits(r, 6)}`,
  };
}

/** A pool of cards shared by subsets of the campaign's accounts. */
export function cardPool(rng: Rng, accounts: number, accountsPerCard: number): (r: Rng) => string {
  const cards = Array.from({ length: Math.max(1, Math.round(accounts / accountsPerCard)) }, () => paymentFingerprint(rng));
  return (r) => r.pick(cards);
}

/** Account creation in bursts: a few short windows in which many accounts are made. */
export function creationBursts(rng: Rng, from: number, to: number, bursts: number): (r: Rng) => number {
  const centres = Array.from({ length: bursts }, () => from + Math.floor(rng.next() * (to - from)));
  return (r) => r.pick(centres) + Math.round(r.exponential(1.5) * HOUR_MS);
}

/** A residential proxy provider: addresses across many consumer ISPs and countries, new one per request or session. */
export function residentialProxies(rng: Rng, breadth: number): Network[] {
  const nets = rng.shuffled(networksOf('residential').concat(networksOf('mobile')));
  return nets.slice(0, Math.max(3, Math.min(nets.length, breadth)));
}

export function rotatingAddress(nets: readonly Network[], stickiness: number): (r: Rng) => Address {
  let current: Address | null = null;
  return (r) => {
    if (current === null || !r.chance(stickiness)) current = addressIn(r, r.pick(nets), 0.1);
    return current;
  };
}

/** Harvest prompt wrappers with slots: {task} the harvested item, {coerce} a reasoning demand. */
const HARVEST_WRAPPERS = [
  '{task}\n\n{coerce}',
  '### Instruction\n{task}\n\n### Requirements\n{coerce}\n\n### Response',
  '{coerce}\n\nQuestion: {task}',
  'Q: {task}\nA: {coerce}',
  '<task>{task}</task>\n<format>{coerce} Put the final answer in \\boxed{}.</format>',
  'Problem #{id}: {task}\n{coerce}',
  'You are a world-class expert. {coerce}\n\n{task}',
  'Input: {task}\nOutput format: reasoning, then answer. {coerce}',
];

export interface HarvestStyle {
  wrappers: readonly string[];
  lang: Lang;
}

export function harvestStyle(rng: Rng, variant: 0 | 1, lang: Lang = 'en'): HarvestStyle {
  const pool = partition(HARVEST_WRAPPERS, variant);
  return { wrappers: rng.shuffled(pool).slice(0, rng.int(1, 2)), lang };
}

export function harvestPrompt(r: Rng, style: HarvestStyle, task: string, variant: 0 | 1): string {
  return r.pick(style.wrappers).replace('{task}', task).replace('{coerce}', coercion(r, style.lang, variant)).replace('{id}', String(r.int(1, 99_999)));
}

/** The task a distillation harvest draws, by the campaign's target capability. */
export type Target = 'math' | 'code' | 'instruction';
export function harvestTask(world: World, r: Rng, target: Target): string {
  return target === 'math' ? world.prompts.math(r) : target === 'code' ? world.prompts.code(r) : world.prompts.instruction(r);
}

/** When the campaign moves to the released model: a few hours after release, the same for all its accounts. */
export function pivotTime(world: World, rng: Rng): number {
  return world.releaseAt + Math.round(rng.range(0.5, 4) * HOUR_MS * world.attackTempo);
}
