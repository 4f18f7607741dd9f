// Capability-targeted agentic sweeps: harvesting tool use and coding trajectories. Every request carries the
// same tool set and asks the model to narrate its reasoning before each call; sent from cloud hosts at a
// steady machine pace.
import type { ChatMessage, VerificationTier } from '../../events/types.ts';
import { arrivals, egressPool, newAccount, pickNetwork } from '../common.ts';
import { STACKS } from '../net.ts';
import { AGENT_TOOLS } from '../prompts/builtin-attack.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { DAY_MS, FLAT_HOURS } from '../time.ts';
import type { Population, SimAccount, TimedEvent, World } from '../world.ts';
import { attackAccount, campaignPopulation, cardPool, creationBursts, emailGenerator, newCampaign, pivotTime } from './shared.ts';

export const NAME = 'agentic-sweep';

export function spawn(world: World, rng: Rng, size: number): Population {
  const c = newCampaign(rng, 'distillation', NAME, world.start - 2 * DAY_MS);
  const emails = emailGenerator(rng);
  const card = cardPool(rng, size, rng.int(2, 6));
  const created = creationBursts(rng, world.start - 10 * DAY_MS, world.start, 2);
  const pivotAt = pivotTime(world, rng);
  const stack = rng.pick([STACKS.go, STACKS.httpx]);
  const accounts: SimAccount[] = [];
  for (let i = 0; i < size; i++) {
    const r = rng.fork(`agent${i}`);
    const egress = egressPool(r, pickNetwork(r, r.chance(0.6) ? 'cloud' : 'hosting'), 2);
    const a = newAccount({
      rng: r, createdAt: created(r), verification: r.weighted<VerificationTier>(['phone', 'email'], [60, 40]), useCase: r.pick(['coding agent', 'developer tools', 'automation']),
      emailLocal: emails.local(r), emailDomain: emails.domain(r), payment: card(r), signupAddress: egress(r), endpoint: '/v1/chat/completions', stack, address: egress,
    });
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { tzOffsetH: 0, hours: FLAT_HOURS, sessionsPerDay: 2, requestsPerSession: 12,
        gapMedianS: 25 * world.attackTempo, gapSigma: 0.3, weekendFactor: 1 })) {
        const messages: ChatMessage[] = [{ role: 'system', content: 'You are an expert autonomous agent. Think out loud before every action.' },
          { role: 'user', content: world.prompts.agentic(r) }];
        if (r.chance(0.5)) {
          messages.push({ role: 'assistant', content: 'Thought: I should inspect the repository layout first.' });
          messages.push({ role: 'tool', content: `src/\n  main.py\n  utils.py\ntests/\n  test_main.py (${r.int(1, 30)} failing)` });
        }
        yield buildEvent(a.caller, t, {
          model: t >= pivotAt ? world.newModel : world.baseModel, messages, maxTokens: 16384, effort: 'high',
          params: { temperature: 0.2, tools: AGENT_TOOLS, tool_choice: 'auto', parallel_tool_calls: false }, outputMedian: 500, verbosity: 1.5, errorRate: 0.02,
        });
      }
    }
    accounts.push(attackAccount(c, a, events()));
  }
  return campaignPopulation(c, accounts);
}
