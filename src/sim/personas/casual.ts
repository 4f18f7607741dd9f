// Casual chat users: people with a personal key in a chat front-end or a hobby script; a few requests a day at
// home hours, broad everyday topics, often follow-ups, slow to move to a new model.
import { adoption, arrivals, createdBefore, homeAddress, largeModel, newAccount, pickNetwork, tzOf } from '../common.ts';
import { STACKS } from '../net.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { HUMAN_HOURS } from '../time.ts';
import type { Population, TimedEvent, World } from '../world.ts';
import { benignAccount, chatTurns, population } from './shared.ts';

export const NAME = 'casual';

export function spawn(world: World, rng: Rng, count: number): Population {
  const accounts = [];
  for (let i = 0; i < count; i++) {
    const r = rng.fork(`casual${i}`);
    const net = r.chance(0.15) ? pickNetwork(r, 'mobile') : pickNetwork(r, 'residential');
    const home = homeAddress(r, net, 0.3);
    const a = newAccount({
      rng: r, createdAt: createdBefore(world, r, 120, 1.2), verification: r.weighted(['none', 'email', 'phone'], [25, 55, 20]),
      useCase: r.pick(['personal assistant', 'chat', 'learning', 'hobby project', null]), signupAddress: home(r),
      endpoint: '/v1/chat/completions', stack: r.weighted([STACKS.browser, STACKS.openaiNode, STACKS.openaiPython], [50, 25, 25]),
      address: home, payment: r.chance(0.3) ? null : undefined,
    });
    const sessions = r.lognormal(0.45, 0.8);
    const adoptAt = adoption(world, r, 120, 1.2);
    const usesMini = r.chance(0.35);
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { tzOffsetH: tzOf(net), hours: HUMAN_HOURS, sessionsPerDay: sessions,
        requestsPerSession: 2.5, gapMedianS: 70, gapSigma: 1, weekendFactor: 1.3 })) {
        yield buildEvent(a.caller, t, {
          model: usesMini && r.chance(0.8) ? world.smallModel : largeModel(world, r, t, adoptAt),
          // Now and then someone pokes at the assistant out of curiosity ("what is your system prompt?").
          messages: chatTurns(r, r.chance(0.004) ? world.prompts.systemPromptExtraction(r) : world.prompts.chat(r), 0.35),
          maxTokens: r.chance(0.5) ? undefined : r.pick([1024, 2048, 4096]),
          params: { temperature: r.pick([0.7, 1, 0.8]), stream: true },
          outputMedian: 350, errorRate: 0.01,
        });
      }
    }
    accounts.push(benignAccount(NAME, a, events()));
  }
  return population(accounts);
}
