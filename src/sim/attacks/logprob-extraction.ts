// Logprob / logit_bias extraction: recovering the output layer from single-token completions. Requests with
// max_tokens 1, logprobs with the largest top_logprobs allowed, logit_bias over sweeps of token ids, the same
// short prompts repeated, at a steady pace. One account sits at a tier that refuses logit_bias and collects 403s.
import type { VerificationTier } from '../../events/types.ts';
import { arrivals, createdBefore, egressPool, newAccount, pickNetwork } from '../common.ts';
import { STACKS } from '../net.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { FLAT_HOURS } from '../time.ts';
import type { Population, SimAccount, TimedEvent, World } from '../world.ts';
import { attackAccount, campaignPopulation, newCampaign } from './shared.ts';

export const NAME = 'logprob-extraction';

export function spawn(world: World, rng: Rng, size: number): Population {
  const c = newCampaign(rng, 'extraction', NAME, world.start);
  const probes = Array.from({ length: rng.int(20, 60) }, () => world.prompts.probe(rng));
  const accounts: SimAccount[] = [];
  for (let i = 0; i < size; i++) {
    const r = rng.fork(`extract${i}`);
    const egress = egressPool(r, pickNetwork(r, r.chance(0.5) ? 'cloud' : 'hosting'), 1);
    const tier: VerificationTier = i === 0 && size > 1 ? 'email' : r.weighted<VerificationTier>(['id', 'org'], [70, 30]);
    const a = newAccount({
      rng: r, orgId: tier === 'org' ? `org_${r.hex(10)}` : null, createdAt: createdBefore(world, r, 40), verification: tier,
      useCase: r.pick(['research on calibration', 'token probability analysis', 'autocomplete', null]), signupAddress: egress(r),
      endpoint: '/v1/chat/completions', stack: r.pick([STACKS.requests, STACKS.httpx, STACKS.curl]), address: egress,
    });
    const start = world.start + Math.floor(r.next() * 0.3 * (world.end - world.start));
    let biasBase = r.int(0, 50_000);
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, start, { tzOffsetH: 0, hours: FLAT_HOURS, sessionsPerDay: 3, requestsPerSession: 60,
        gapMedianS: 2.5 * world.attackTempo, gapSigma: 0.2, weekendFactor: 1 })) {
        const params: Record<string, unknown> = { temperature: 0, logprobs: true, top_logprobs: r.pick([5, 20]) };
        if (r.chance(0.6)) {
          // One sweep step: push a block of token ids up to read their logits relative to the top token.
          const bias: Record<string, number> = {};
          for (let k = 0; k < 8; k++) bias[String(biasBase + k)] = 100;
          biasBase = (biasBase + 8) % 100_000;
          params.logit_bias = bias;
        }
        yield buildEvent(a.caller, t, {
          model: world.baseModel, messages: [{ role: 'user', content: r.pick(probes) }], maxTokens: 1, params, outputMedian: 1, errorRate: 0.01,
        });
      }
    }
    accounts.push(attackAccount(c, a, events()));
  }
  return campaignPopulation(c, accounts);
}
