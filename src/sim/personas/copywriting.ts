// Copywriting services: marketing copy from briefs, templated, with n > 1 variations per request.
import { adoption, arrivals, createdBefore, egressPool, largeModel, newAccount, pickNetwork } from '../common.ts';
import { STACKS } from '../net.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { WORK_HOURS } from '../time.ts';
import type { Population, TimedEvent, World } from '../world.ts';
import { benignAccount, endUser, population } from './shared.ts';

export const NAME = 'copywriting';

export function spawn(world: World, rng: Rng, count: number): Population {
  const accounts = [];
  for (let i = 0; i < count; i++) {
    const r = rng.fork(`copy${i}`);
    const net = pickNetwork(r, 'cloud');
    const egress = egressPool(r, net, r.int(1, 2));
    const a = newAccount({
      rng: r, orgId: r.chance(0.6) ? `org_${r.hex(10)}` : null, createdAt: createdBefore(world, r, 200), verification: r.weighted(['org', 'phone', 'email'], [40, 40, 20]),
      useCase: r.pick(['marketing copy generator', 'ad copy for clients', 'content writing tool']), emailLocal: r.pick(['hello', 'founder', 'dev']),
      emailDomain: r.pick(['copyly.co', 'adcraft.ai', 'wordsmith.app', 'brandvoice.io']), signupAddress: egress(r), endpoint: '/v1/chat/completions',
      stack: r.pick([STACKS.openaiNode, STACKS.openaiPython]), address: egress,
    });
    const volume = r.lognormal(30, 0.7);
    const adoptAt = adoption(world, r, 96, 1);
    const tier = a.caller.tier;
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { tzOffsetH: r.pick([-5, -8, 0]), hours: WORK_HOURS, sessionsPerDay: volume / 3, requestsPerSession: 3,
        gapMedianS: 30, gapSigma: 1, weekendFactor: 0.4 })) {
        yield buildEvent(a.caller, t, {
          model: largeModel(world, r, t, adoptAt), messages: [{ role: 'system', content: 'You are an expert copywriter. Follow the brief exactly.' },
            { role: 'user', content: world.prompts.copywriting(r) }],
          maxTokens: 1024, params: { temperature: 0.9, n: tier === 'email' ? 2 : r.pick([1, 3, 4]), user: endUser(r, 'c', 800) }, outputMedian: 220, errorRate: 0.01,
        });
      }
    }
    accounts.push(benignAccount(NAME, a, events()));
  }
  return population(accounts);
}
