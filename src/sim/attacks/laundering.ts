// An old, verified, high-volume account laundering a harvest: two years of history and an org or ID check,
// then it starts pushing harvest prompts at high volume from cloud hosts, behind a believable use case.
import { arrivals, createdBefore, egressPool, newAccount, pickNetwork } from '../common.ts';
import { STACKS } from '../net.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { FLAT_HOURS, WORK_HOURS } from '../time.ts';
import type { Population, TimedEvent, World } from '../world.ts';
import { attackAccount, campaignPopulation, harvestPrompt, harvestStyle, harvestTask, newCampaign, pivotTime, type Target } from './shared.ts';

export const NAME = 'laundering';

/** `size` is ignored beyond 1: one account per campaign. */
export function spawn(world: World, rng: Rng, _size: number): Population {
  const harvestFrom = world.start + Math.floor(rng.range(0.15, 0.4) * (world.end - world.start));
  const c = newCampaign(rng, 'distillation', NAME, harvestFrom);
  const r = rng.fork('launder');
  const egress = egressPool(r, pickNetwork(r, 'cloud'), 3);
  const verification = r.chance(0.5) ? 'org' : 'id';
  const a = newAccount({
    rng: r, orgId: verification === 'org' ? `org_${r.hex(10)}` : null, createdAt: createdBefore(world, r, 700, 0.2), verification,
    useCase: r.pick(['data labeling', 'AI tutoring product', 'research assistant']), emailLocal: 'admin', emailDomain: r.pick(['datalabs.io', 'smartedu.ai', 'quantresearch.co']),
    signupAddress: egress(r), endpoint: '/v1/chat/completions', stack: STACKS.openaiPython, address: egress, keys: 3,
  });
  const style = harvestStyle(r, world.variant);
  const target = r.pick<Target>(['math', 'code', 'instruction']);
  const pivotAt = pivotTime(world, r);
  function* events(): Generator<TimedEvent> {
    // Its long-standing legitimate-looking traffic continues underneath the harvest.
    const normal = arrivals(world, r, world.start, { tzOffsetH: -5, hours: WORK_HOURS, sessionsPerDay: 6, requestsPerSession: 4, gapMedianS: 40, gapSigma: 1, weekendFactor: 0.3 });
    const harvest = arrivals(world, r, harvestFrom, { tzOffsetH: 0, hours: FLAT_HOURS, sessionsPerDay: 8, requestsPerSession: 60,
      gapMedianS: 6 * world.attackTempo, gapSigma: 0.4, weekendFactor: 1 });
    let n = normal.next();
    let h = harvest.next();
    while (!n.done || !h.done) {
      if (h.done || (!n.done && n.value <= h.value)) {
        const t = n.value as number;
        yield buildEvent(a.caller, t, { model: world.baseModel, messages: [{ role: 'user', content: r.chance(0.5) ? world.prompts.coding(r) : world.prompts.chat(r) }],
          maxTokens: 2048, params: { temperature: 0.5 }, outputMedian: 350, errorRate: 0.01 });
        n = normal.next();
      } else {
        const t = h.value;
        yield buildEvent(a.caller, t, { model: t >= pivotAt ? world.newModel : world.baseModel,
          messages: [{ role: 'user', content: harvestPrompt(r, style, harvestTask(world, r, target), world.variant) }],
          maxTokens: 16384, effort: 'high', params: { temperature: 0.7, n: r.chance(0.3) ? 4 : 1 }, outputMedian: 700, verbosity: 1.6, errorRate: 0.01 });
        h = harvest.next();
      }
    }
  }
  return campaignPopulation(c, [attackAccount(c, a, events())]);
}
