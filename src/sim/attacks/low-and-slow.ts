// Low-and-slow paraphrased campaigns: a couple of dozen aged accounts that each look like a different person
// (own ISP, own card, personal e-mail, diurnal human timing), sending paraphrased harvest prompts on one
// narrow capability. What ties them: the narrow topic, reasoning demands, the campaign's own few openers and
// closers around the varied tasks, and a synchronised pivot to the new model.
import type { VerificationTier } from '../../events/types.ts';
import { arrivals, createdBefore, homeAddress, newAccount, pickNetwork, tzOf } from '../common.ts';
import { STACKS } from '../net.ts';
import { partition } from '../prompts/slots.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { HUMAN_HOURS } from '../time.ts';
import type { Population, SimAccount, TimedEvent, World } from '../world.ts';
import { attackAccount, campaignPopulation, harvestTask, newCampaign, pivotTime, type Target } from './shared.ts';

export const NAME = 'low-and-slow';

// Each operator writes its own wrappers: independent campaigns do not share one sentence pool verbatim (an
// earlier version gave all of them the same ten openers and six closers, so content could never tell two
// campaigns apart). A campaign composes its few openers and closers from these parts; the held-out variant
// draws from the other half of every part list.
const OPENER_LEADS = ['hey,', 'hi there,', 'ok so', 'quick one,', 'hello,', 'so basically', 'alright,', 'good morning,'];
const OPENER_ASKS = ['could you work through', 'can you walk me through', 'please help me with', 'can you solve', 'i need help with',
  'would you check', 'could you go over', 'help me understand'];
const OPENER_OBJECTS = ['this one', 'the problem below', 'this question', 'the following', 'this exercise', 'my homework problem',
  'this practice item', 'the next one'];
const OPENER_ENDS = [':', '?', '.'];
const CLOSER_ASKS = ['Please explain', 'Walk me through', 'Show me', 'Write out', 'Spell out', 'Lay out', 'Go through', 'Describe'];
// the reasoning demands of the single list this replaced, split the same way between the two variants
const CLOSER_OBJECTS = ['your thinking at each step', 'how you got there, every step', 'how you reason about it in detail',
  'the full thought process, not just the answer', 'anything you considered and rejected', 'all of the reasoning, slowly', 'each step in order',
  'every step of the reasoning'];
const CLOSER_TAILS = ['.', ' please.', ' for me.', ' in full.'];

/** The campaign's own wrappers: `n` distinct sentences composed from the variant's half of each part list. */
function ownSentences(rng: Rng, n: number, parts: readonly (readonly string[])[], join: (words: string[]) => string, variant: 0 | 1): string[] {
  const halves = parts.map((list) => partition(list, variant));
  const out = new Set<string>();
  while (out.size < n) out.add(join(halves.map((h) => rng.pick(h))));
  return [...out];
}

export function spawn(world: World, rng: Rng, size: number): Population {
  const c = newCampaign(rng, 'distillation', NAME, world.start);
  const target = rng.weighted<Target>(['math', 'code'], [60, 40]);
  const wrappers = rng.fork('wrappers');
  const openers = ownSentences(wrappers, wrappers.int(3, 5), [OPENER_LEADS, OPENER_ASKS, OPENER_OBJECTS], ([l, a, o]) => `${l} ${a} ${o}`, world.variant)
    .map((t) => `${t}${wrappers.pick(OPENER_ENDS)}`);
  const closers = ownSentences(wrappers, wrappers.int(2, 3), [CLOSER_ASKS, CLOSER_OBJECTS, CLOSER_TAILS], ([a, o, t]) => `${a} ${o}${t}`, world.variant);
  const pivotAt = pivotTime(world, rng);
  const accounts: SimAccount[] = [];
  for (let i = 0; i < size; i++) {
    const r = rng.fork(`slow${i}`);
    const net = pickNetwork(r, 'residential');
    const home = homeAddress(r, net, 0.3);
    const a = newAccount({
      rng: r, createdAt: createdBefore(world, r, 90, 0.8), verification: r.weighted<VerificationTier>(['email', 'phone'], [60, 40]),
      useCase: r.pick(['studying', 'personal assistant', 'learning', 'homework help', null]), signupAddress: home(r), endpoint: '/v1/chat/completions',
      stack: r.pick([STACKS.openaiPython, STACKS.browser, STACKS.openaiNode]), address: home,
    });
    const sessions = r.range(2, 4) / world.attackTempo;
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { tzOffsetH: tzOf(net), hours: HUMAN_HOURS, sessionsPerDay: sessions, requestsPerSession: 5,
        gapMedianS: 75 * world.attackTempo, gapSigma: 0.9, weekendFactor: 1 })) {
        const body = `${r.chance(0.7) ? `${r.pick(openers)} ` : ''}${harvestTask(world, r, target)} ${r.chance(0.85) ? r.pick(closers) : ''}`.trim();
        yield buildEvent(a.caller, t, {
          model: t >= pivotAt ? world.newModel : world.baseModel, messages: [{ role: 'user', content: body }], maxTokens: r.pick([4096, 8192]),
          effort: r.chance(0.8) ? 'high' : 'medium', params: { temperature: r.pick([0.7, 1]) }, outputMedian: 650, verbosity: 1.5, errorRate: 0.01,
        });
      }
    }
    accounts.push(attackAccount(c, a, events()));
  }
  return campaignPopulation(c, accounts);
}
