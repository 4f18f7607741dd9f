// Low-and-slow paraphrased campaigns: a couple of dozen aged accounts that each look like a different person
// (own ISP, own card, personal e-mail, diurnal human timing), sending paraphrased harvest prompts on one
// narrow capability. What ties them: the narrow topic, reasoning demands, the shared paraphrase family and a
// synchronised pivot to the new model.
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

const OPENERS = ['hey, could you work through this one for me:', 'I\'m stuck on this, can you walk me through it?', 'Quick question.',
  'Can you help me understand how to do this?', 'my teacher gave us this and i dont get it:', 'Working on a practice set.',
  'Here\'s a problem from my notes.', 'Please help with the following.', 'Trying to check my answer on this one.', 'Can you solve this carefully?'];
const CLOSERS = ['Please explain your thinking at each step.', 'Walk me through how you got there, every step.', 'Show how you reason about it in detail.',
  'I want to see the full thought process, not just the answer.', 'Explain it thoroughly, including anything you considered and rejected.',
  'Go slowly and write out all the reasoning.'];

export function spawn(world: World, rng: Rng, size: number): Population {
  const c = newCampaign(rng, 'distillation', NAME, world.start);
  const target = rng.weighted<Target>(['math', 'code'], [60, 40]);
  const openers = partition(OPENERS, world.variant);
  const closers = partition(CLOSERS, world.variant);
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
