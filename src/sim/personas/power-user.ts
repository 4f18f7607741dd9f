// ID-verified power users: one person, heavy and broad use, long reasoning on hard questions, the odd logprobs
// request out of curiosity, and early adoption of a new model.
import { adoption, arrivals, createdBefore, homeAddress, largeModel, newAccount, pickNetwork, tzOf } from '../common.ts';
import { STACKS } from '../net.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { HUMAN_HOURS } from '../time.ts';
import type { Population, TimedEvent, World } from '../world.ts';
import { benignAccount, chatTurns, population } from './shared.ts';

export const NAME = 'power-user';

export function spawn(world: World, rng: Rng, count: number): Population {
  const accounts = [];
  for (let i = 0; i < count; i++) {
    const r = rng.fork(`power${i}`);
    const net = pickNetwork(r, 'residential');
    const home = homeAddress(r, net, 0.3);
    const anthropic = r.chance(0.3);
    const a = newAccount({
      rng: r, createdAt: createdBefore(world, r, 400), verification: 'id', useCase: r.pick(['research', 'personal productivity', 'writing a book', 'side projects']),
      signupAddress: home(r), endpoint: anthropic ? '/v1/messages' : '/v1/chat/completions',
      stack: anthropic ? r.pick([STACKS.anthropicPython, STACKS.curl]) : r.pick([STACKS.openaiPython, STACKS.curl, STACKS.browser]), address: home,
    });
    const adoptAt = adoption(world, r, 10, 1);
    const sessions = r.lognormal(3, 0.5);
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { tzOffsetH: tzOf(net), hours: HUMAN_HOURS, sessionsPerDay: sessions, requestsPerSession: 6,
        gapMedianS: 90, gapSigma: 1, weekendFactor: 1.1 })) {
        const kind = r.weighted(['power', 'chat', 'coding', 'math', 'instruction'], [35, 25, 20, 10, 10]);
        const body = kind === 'power' ? world.prompts.power(r) : kind === 'chat' ? world.prompts.chat(r) : kind === 'coding' ? world.prompts.coding(r)
          : kind === 'math' ? world.prompts.math(r) : world.prompts.instruction(r);
        const curious = r.chance(0.02);
        yield buildEvent(a.caller, t, {
          model: largeModel(world, r, t, adoptAt), messages: chatTurns(r, body, 0.45), maxTokens: r.pick([4096, 8192, 16384]),
          effort: r.pick(['medium', 'high', 'high']), params: { temperature: 1, ...(curious ? { logprobs: true, top_logprobs: 5 } : {}) },
          outputMedian: 700, verbosity: kind === 'math' ? 1.3 : 1, errorRate: 0.01,
        });
      }
    }
    accounts.push(benignAccount(NAME, a, events()));
  }
  return population(accounts);
}
