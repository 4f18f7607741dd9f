// Enterprise orgs: one company, several accounts (dev, staging, prod, analytics) on one corporate card and the
// same egress: one benign actor with strong linkage evidence, not a campaign.
import type { Endpoint } from '../request.ts';
import { adoption, arrivals, createdBefore, egressPool, largeModel, newAccount, pickNetwork } from '../common.ts';
import { paymentFingerprint } from '../identity.ts';
import { STACKS } from '../net.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { WORK_HOURS } from '../time.ts';
import type { Population, SimAccount, TimedEvent, World } from '../world.ts';
import { benignAccount, endUser, population } from './shared.ts';

export const NAME = 'enterprise';

const ENVIRONMENTS = ['prod', 'staging', 'dev', 'analytics', 'batch', 'sandbox'];
const COMPANIES = ['acme', 'globex', 'initech', 'umbrella', 'stark', 'wayne', 'tyrell', 'cyberdyne', 'hooli', 'vandelay'];

/** `count` is the number of accounts, in orgs of 3-6. */
export function spawn(world: World, rng: Rng, count: number): Population {
  const accounts: SimAccount[] = [];
  let orgIndex = 0;
  while (accounts.length < count) {
    const or = rng.fork(`org${orgIndex++}`);
    const orgId = `org_${or.hex(10)}`;
    const company = `${or.pick(COMPANIES)}${or.int(2, 99)}`;
    const card = paymentFingerprint(or);
    const net = or.chance(0.5) ? pickNetwork(or, 'corporate') : pickNetwork(or, 'cloud');
    const egress = egressPool(or, net, or.int(2, 5));
    const stack = or.pick([STACKS.openaiPython, STACKS.java, STACKS.openaiNode, STACKS.langchain]);
    const endpoint: Endpoint = or.chance(0.8) ? '/v1/chat/completions' : '/v1/responses';
    const tz = or.pick([-5, -8, 0, 1, 9]);
    const created = createdBefore(world, or, 500);
    const size = Math.min(count - accounts.length, or.int(3, 6));
    for (let i = 0; i < size; i++) {
      const r = or.fork(ENVIRONMENTS[i]);
      const a = newAccount({
        rng: r, orgId, createdAt: created + r.int(0, 30) * 86_400_000, verification: 'org', useCase: r.pick(['internal assistant', 'document processing', 'analytics', 'customer support']),
        emailLocal: `ai-${ENVIRONMENTS[i]}`, emailDomain: `${company}.com`, payment: card, signupAddress: egress(r), endpoint, stack, address: egress,
      });
      const adoptAt = adoption(world, r, 150, 0.8);
      const volume = i === 0 ? r.lognormal(80, 0.6) : r.lognormal(15, 0.8);
      function* events(): Generator<TimedEvent> {
        for (const t of arrivals(world, r, world.start, { tzOffsetH: tz, hours: WORK_HOURS, sessionsPerDay: volume / 5, requestsPerSession: 5,
          gapMedianS: 25, gapSigma: 1, weekendFactor: 0.15 })) {
          const kind = r.weighted(['rag', 'coding', 'copy', 'chat'], [40, 25, 15, 20]);
          const body = kind === 'rag' ? world.prompts.ragQuestion(r) : kind === 'coding' ? world.prompts.coding(r)
            : kind === 'copy' ? world.prompts.copywriting(r) : world.prompts.chat(r);
          yield buildEvent(a.caller, t, {
            model: r.chance(0.4) ? world.smallModel : largeModel(world, r, t, adoptAt),
            messages: [{ role: 'system', content: `You are ${company}'s internal assistant. Follow company policy.` }, { role: 'user', content: body }],
            maxTokens: 4096, effort: r.chance(0.3) ? 'medium' : undefined, params: { temperature: 0.3, user: endUser(r, 'emp', 3000) },
            outputMedian: 380, errorRate: 0.01,
          });
        }
      }
      accounts.push(benignAccount(NAME, a, events()));
    }
  }
  return population(accounts);
}
