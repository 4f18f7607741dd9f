// Rubric-grading harvests: the model used as a grader or reward model. Rubric prompts around harvested tasks and
// candidate answers, temperature 0, several samples per prompt, short scored outputs with long reasoning.
import type { VerificationTier } from '../../events/types.ts';
import { arrivals, egressPool, newAccount, pickNetwork } from '../common.ts';
import { STACKS } from '../net.ts';
import { rubricPrompt } from '../prompts/builtin-attack.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { DAY_MS, FLAT_HOURS } from '../time.ts';
import type { Population, SimAccount, TimedEvent, World } from '../world.ts';
import { attackAccount, campaignPopulation, cardPool, creationBursts, emailGenerator, harvestTask, newCampaign, pivotTime, type Target } from './shared.ts';

export const NAME = 'rubric-grading';

export function spawn(world: World, rng: Rng, size: number): Population {
  const c = newCampaign(rng, 'distillation', NAME, world.start);
  const emails = emailGenerator(rng);
  const card = cardPool(rng, size, rng.int(3, 7));
  const created = creationBursts(rng, world.start - 20 * DAY_MS, world.start, 2);
  const pivotAt = pivotTime(world, rng);
  const net = pickNetwork(rng, 'hosting');
  const accounts: SimAccount[] = [];
  for (let i = 0; i < size; i++) {
    const r = rng.fork(`rubric${i}`);
    const egress = egressPool(r, net, 1);
    const a = newAccount({
      rng: r, createdAt: created(r), verification: r.weighted<VerificationTier>(['phone', 'email'], [70, 30]), useCase: r.pick(['content moderation', 'quality assurance', 'research']),
      emailLocal: emails.local(r), emailDomain: emails.domain(r), payment: card(r), signupAddress: egress(r), endpoint: '/v1/chat/completions',
      stack: STACKS.aiohttp, address: egress,
    });
    const tier = a.caller.tier;
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { tzOffsetH: 0, hours: FLAT_HOURS, sessionsPerDay: 3, requestsPerSession: 15,
        gapMedianS: 30 * world.attackTempo, gapSigma: 0.35, weekendFactor: 1 })) {
        const task = harvestTask(world, r, r.pick<Target>(['math', 'code', 'instruction']));
        yield buildEvent(a.caller, t, {
          model: t >= pivotAt ? world.newModel : world.baseModel, messages: [{ role: 'user', content: rubricPrompt(r, task, world.variant) }],
          maxTokens: 1024, effort: r.pick(['medium', 'high']), params: { temperature: 0, n: tier === 'phone' ? 4 : 2, response_format: { type: 'json_object' } },
          outputMedian: 90, verbosity: 1.4, errorRate: 0.02,
        });
      }
    }
    accounts.push(attackAccount(c, a, events()));
  }
  return campaignPopulation(c, accounts);
}
