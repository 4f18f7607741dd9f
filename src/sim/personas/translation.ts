// Translation services: one heavily templated instruction repeated with different texts and target languages,
// service hours, mostly the small model. Template repetition without harvesting.
import { arrivals, createdBefore, egressPool, newAccount, pickNetwork } from '../common.ts';
import { STACKS } from '../net.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { SERVICE_HOURS } from '../time.ts';
import type { Population, TimedEvent, World } from '../world.ts';
import { benignAccount, population } from './shared.ts';

export const NAME = 'translation';

export function spawn(world: World, rng: Rng, count: number): Population {
  const accounts = [];
  for (let i = 0; i < count; i++) {
    const r = rng.fork(`translation${i}`);
    const net = pickNetwork(r, r.chance(0.7) ? 'cloud' : 'hosting');
    const egress = egressPool(r, net, r.int(1, 3));
    const a = newAccount({
      rng: r, orgId: `org_${r.hex(10)}`, createdAt: createdBefore(world, r, 300), verification: r.weighted(['org', 'phone'], [70, 30]),
      useCase: r.pick(['translation service', 'localization platform', 'multilingual support']), emailLocal: 'ops', emailDomain: r.pick(['lingoflow.com', 'transloc.io', 'polyglotapi.com']),
      signupAddress: egress(r), endpoint: '/v1/chat/completions', stack: r.pick([STACKS.java, STACKS.openaiPython, STACKS.go]), address: egress,
    });
    const volume = r.lognormal(80, 0.6);
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { tzOffsetH: r.pick([1, 0, -5]), hours: SERVICE_HOURS, sessionsPerDay: volume / 4, requestsPerSession: 4,
        gapMedianS: 8, gapSigma: 0.8, weekendFactor: 0.6 })) {
        yield buildEvent(a.caller, t, {
          model: r.chance(0.75) ? world.smallModel : world.baseModel, messages: [{ role: 'user', content: world.prompts.translation(r) }],
          maxTokens: 1024, params: { temperature: 0.3 }, outputMedian: 120, errorRate: 0.01,
        });
      }
    }
    accounts.push(benignAccount(NAME, a, events()));
  }
  return population(accounts);
}
