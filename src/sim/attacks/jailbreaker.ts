// Jailbreakers: a small group (or one person) cycling jailbreak framings, plain harmful requests,
// prompt injections and system-prompt extraction, at human pace, through consumer ISPs and VPN hosting.
// Members differ in what they are after: refused content, or a deployment's hidden instructions.
import type { ChatMessage, VerificationTier } from '../../events/types.ts';
import { arrivals, createdBefore, homeAddress, newAccount, pickNetwork, tzOf } from '../common.ts';
import { STACKS } from '../net.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { HUMAN_HOURS } from '../time.ts';
import type { Population, SimAccount, TimedEvent, World } from '../world.ts';
import { attackAccount, campaignPopulation, newCampaign } from './shared.ts';

export const NAME = 'jailbreaker';

const KINDS = ['jailbreak', 'harmful', 'system', 'injection', 'chat'] as const;
/** weights over KINDS */
const HARM_SEEKER = [45, 20, 15, 10, 10];
const PROMPT_THIEF = [15, 0, 40, 35, 10];

export function spawn(world: World, rng: Rng, size: number): Population {
  const c = newCampaign(rng, 'jailbreak', NAME, world.start);
  const accounts: SimAccount[] = [];
  const vpn = pickNetwork(rng, 'hosting');
  for (let i = 0; i < size; i++) {
    const r = rng.fork(`jb${i}`);
    const net = r.chance(0.4) ? vpn : pickNetwork(r, 'residential');
    const home = homeAddress(r, net, 0.2);
    const anthropic = r.chance(0.2);
    const a = newAccount({
      rng: r, createdAt: createdBefore(world, r, 20, 1.2), verification: r.weighted<VerificationTier>(['none', 'email'], [50, 50]),
      useCase: r.pick(['chatbot', 'testing', 'fun', null]), signupAddress: home(r), endpoint: anthropic ? '/v1/messages' : '/v1/chat/completions',
      stack: anthropic ? r.pick([STACKS.anthropicPython, STACKS.curl]) : r.pick([STACKS.browser, STACKS.openaiPython, STACKS.curl]), address: home, payment: r.chance(0.5) ? null : undefined,
    });
    const sessions = r.range(0.5, 2);
    // Two styles: most are after refused content (framings around harmful goals, and the goals asked outright);
    // about a third are prompt thieves, after deployments' hidden instructions (extraction and injection).
    const kinds = r.chance(0.35) ? PROMPT_THIEF : HARM_SEEKER;
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { tzOffsetH: tzOf(net), hours: HUMAN_HOURS, sessionsPerDay: sessions, requestsPerSession: 7,
        gapMedianS: 40, gapSigma: 0.9, weekendFactor: 1.2 })) {
        const kind = r.weighted(KINDS, kinds);
        let messages: ChatMessage[];
        if (kind === 'system') messages = [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: world.prompts.systemPromptExtraction(r) }];
        else if (kind === 'injection') messages = [{ role: 'user', content: world.prompts.injection(r) }];
        else messages = [{ role: 'user', content: kind === 'jailbreak' ? world.prompts.jailbreak(r) : kind === 'harmful' ? world.prompts.harmful(r) : world.prompts.chat(r) }];
        const refused = kind !== 'chat' && r.chance(0.7);
        const ev = buildEvent(a.caller, t, {
          model: r.chance(0.8) ? world.baseModel : world.smallModel, messages, maxTokens: r.chance(0.5) ? 2048 : undefined,
          params: { temperature: r.pick([1, 1.2, 0.9]) }, outputMedian: refused ? 45 : 400, errorRate: 0.01,
        });
        if (refused && ev.event.response.status === 200 && r.chance(0.25)) ev.event.response.finish_reason = 'content_filter';
        yield ev;
      }
    }
    accounts.push(attackAccount(c, a, events()));
  }
  return campaignPopulation(c, accounts);
}
