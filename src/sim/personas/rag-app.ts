// RAG apps: a company's support bot. One long templated system prompt (the same on every request), short user
// questions, low temperature, end-user ids, service hours that never go silent.
import { adoption, arrivals, createdBefore, egressPool, largeModel, newAccount, pickNetwork } from '../common.ts';
import { STACKS } from '../net.ts';
import { RAG_DOMAINS, ragSystemPrompt } from '../prompts/builtin-benign.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { SERVICE_HOURS } from '../time.ts';
import type { Population, TimedEvent, World } from '../world.ts';
import { benignAccount, endUser, population } from './shared.ts';

export const NAME = 'rag-app';

export function spawn(world: World, rng: Rng, count: number): Population {
  const accounts = [];
  for (let i = 0; i < count; i++) {
    const r = rng.fork(`rag${i}`);
    const domain = r.pick(RAG_DOMAINS);
    const system = ragSystemPrompt(r, domain);
    const net = pickNetwork(r, r.chance(0.8) ? 'cloud' : 'hosting');
    const egress = egressPool(r, net, r.int(1, 3));
    const slug = domain.company.toLowerCase().replace(/[^a-z]/g, '');
    const a = newAccount({
      rng: r, orgId: `org_${r.hex(10)}`, createdAt: createdBefore(world, r, 250), verification: r.weighted(['org', 'phone', 'email'], [60, 25, 15]),
      useCase: 'customer support chatbot', emailLocal: r.pick(['it', 'support.ops', 'ml-team', 'cx']), emailDomain: `${slug}.com`,
      signupAddress: egress(r), endpoint: '/v1/chat/completions', stack: r.pick([STACKS.langchain, STACKS.openaiPython, STACKS.java]),
      address: egress,
    });
    const adoptAt = adoption(world, r, 200, 1);
    const volume = r.lognormal(60, 0.8);
    const tz = r.pick([-5, -8, 0, 1, 9]);
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { tzOffsetH: tz, hours: SERVICE_HOURS, sessionsPerDay: volume / 2, requestsPerSession: 2,
        gapMedianS: 45, gapSigma: 0.9, weekendFactor: 0.7 })) {
        yield buildEvent(a.caller, t, {
          model: r.chance(0.6) ? world.smallModel : largeModel(world, r, t, adoptAt),
          messages: [{ role: 'system', content: system }, { role: 'user', content: world.prompts.ragQuestion(r) }],
          maxTokens: 800, params: { temperature: 0.1, user: endUser(r, 'cust-', 50_000) }, outputMedian: 180, errorRate: 0.005,
        });
      }
    }
    accounts.push(benignAccount(NAME, a, events()));
  }
  return population(accounts);
}
