// Coding apps: an IDE assistant's backend calling on behalf of its developers. Cloud egress, office hours in
// its users' zones, a fixed system prompt with file context, tools now and then, end-user ids in params.user.
import { adoption, arrivals, createdBefore, egressPool, largeModel, newAccount, pickNetwork, sdkStack } from '../common.ts';
import { STACKS } from '../net.ts';
import { buildEvent, type Endpoint } from '../request.ts';
import type { Rng } from '../rng.ts';
import { WORK_HOURS } from '../time.ts';
import { AGENT_TOOLS } from '../prompts/builtin-attack.ts';
import type { Population, TimedEvent, World } from '../world.ts';
import { benignAccount, endUser, population } from './shared.ts';

export const NAME = 'coding-app';

export function spawn(world: World, rng: Rng, count: number): Population {
  const accounts = [];
  for (let i = 0; i < count; i++) {
    const r = rng.fork(`coding${i}`);
    const net = pickNetwork(r, 'cloud');
    const egress = egressPool(r, net, r.int(1, 4));
    const product = r.pick(['CodePilot', 'DevMate', 'Stackwise', 'RefactorAI', 'Lintly', 'ShipFast']);
    const system = `You are ${product}, a coding assistant inside the developer's editor. Answer with concise explanations and ` +
      `complete code blocks. Respect the project's language and style. The open file and selection are provided below.`;
    const endpoint: Endpoint = r.chance(0.75) ? '/v1/chat/completions' : '/v1/messages';
    const a = newAccount({
      rng: r, orgId: r.chance(0.7) ? `org_${r.hex(10)}` : null, createdAt: createdBefore(world, r, 300),
      verification: r.weighted(['org', 'id', 'phone'], [55, 30, 15]), useCase: r.pick(['coding assistant', 'IDE plugin', 'developer tools']),
      emailLocal: r.pick(['dev', 'api', 'platform', 'eng', 'founders']), emailDomain: `${product.toLowerCase()}.dev`,
      signupAddress: egress(r), endpoint, stack: endpoint === '/v1/messages' ? sdkStack(r, endpoint) : r.pick([STACKS.openaiNode, STACKS.openaiPython, STACKS.go]),
      address: egress, keys: r.int(1, 3),
    });
    const users = r.int(20, 2000);
    const tz = r.pick([-8, -5, 1, 5.5, 8]);
    const adoptAt = adoption(world, r, 30, 1);
    const volume = r.lognormal(30, 0.9);
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { tzOffsetH: tz, hours: WORK_HOURS, sessionsPerDay: volume / 4, requestsPerSession: 4,
        gapMedianS: 40, gapSigma: 1, weekendFactor: 0.35 })) {
        const withTools = r.chance(0.2);
        yield buildEvent(a.caller, t, {
          model: r.chance(0.3) ? world.smallModel : largeModel(world, r, t, adoptAt),
          messages: [{ role: 'system', content: system }, { role: 'user', content: `${world.prompts.coding(r)}\n\n\`\`\`\n// file ${r.int(1, 400)} lines elided\n\`\`\`` }],
          maxTokens: r.pick([2048, 4096, 8192]), effort: r.chance(0.5) ? 'medium' : undefined,
          params: { temperature: 0.2, stream: true, user: endUser(r, 'u_', users), ...(withTools ? { tools: AGENT_TOOLS.slice(0, 3) } : {}) },
          outputMedian: 600, errorRate: 0.01,
        });
      }
    }
    accounts.push(benignAccount(NAME, a, events()));
  }
  return population(accounts);
}
