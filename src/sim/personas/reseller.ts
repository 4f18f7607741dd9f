// API resellers and routers: many end users behind one account (thousands of distinct params.user), round the
// clock, everything from chat to code to the odd jailbreak attempt by one of their users, and quick to offer a
// new model. High volume and breadth, diverse end users.
import { arrivals, createdBefore, egressPool, newAccount, pickNetwork } from '../common.ts';
import { STACKS } from '../net.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { HOUR_MS, SERVICE_HOURS } from '../time.ts';
import type { Population, TimedEvent, World } from '../world.ts';
import { benignAccount, chatTurns, endUser, population } from './shared.ts';

export const NAME = 'reseller';

export function spawn(world: World, rng: Rng, count: number): Population {
  const accounts = [];
  for (let i = 0; i < count; i++) {
    const r = rng.fork(`reseller${i}`);
    const net = pickNetwork(r, r.chance(0.5) ? 'cloud' : 'hosting');
    const egress = egressPool(r, net, r.int(3, 8));
    const brand = r.pick(['openroute', 'llmhub', 'apimart', 'tokenbridge', 'unifai', 'modelmux']);
    const a = newAccount({
      rng: r, orgId: `org_${r.hex(10)}`, createdAt: createdBefore(world, r, 250), verification: r.weighted(['org', 'id'], [70, 30]),
      useCase: r.pick(['API aggregator', 'model router for our customers', 'reselling access to developers']), emailLocal: 'billing', emailDomain: `${brand}.ai`,
      signupAddress: egress(r), endpoint: '/v1/chat/completions', stack: r.pick([STACKS.go, STACKS.openaiNode, STACKS.httpx]), address: egress, keys: r.int(2, 6),
    });
    const users = r.int(2000, 40_000);
    const volume = r.lognormal(300, 0.5);
    const adoptAt = world.releaseAt + Math.round(r.range(0.5, 6) * HOUR_MS);
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { tzOffsetH: r.pick([0, -5, 8]), hours: SERVICE_HOURS, sessionsPerDay: volume / 3, requestsPerSession: 3,
        gapMedianS: 20, gapSigma: 1.2, weekendFactor: 0.95 })) {
        const kind = r.weighted(['chat', 'code', 'math', 'instruction', 'translation', 'jailbreak'], [45, 22, 8, 12, 10, 0.6]);
        const body = kind === 'chat' ? world.prompts.chat(r) : kind === 'code' ? world.prompts.coding(r) : kind === 'math' ? world.prompts.math(r)
          : kind === 'instruction' ? world.prompts.instruction(r) : kind === 'translation' ? world.prompts.translation(r) : world.prompts.jailbreak(r);
        const model = t >= adoptAt && r.chance(0.35) ? world.newModel : r.chance(0.5) ? world.baseModel : world.smallModel;
        yield buildEvent(a.caller, t, {
          model, messages: chatTurns(r, body, 0.4), maxTokens: r.pick([1024, 4096, 8192]), effort: model === world.smallModel ? undefined : r.pick(['low', 'medium', 'high']),
          params: { temperature: r.pick([0.7, 1, 0.2]), stream: r.chance(0.7), user: endUser(r, 'or-', users) }, outputMedian: 380, errorRate: 0.02,
        });
      }
    }
    accounts.push(benignAccount(NAME, a, events()));
  }
  return population(accounts);
}
