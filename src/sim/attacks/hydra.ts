// Hydra pools: hundreds to thousands of proxy accounts in one campaign. Accounts are created in bursts with
// e-mails from one generator and cards reused across subsets; requests come through residential proxies
// rotating across ASNs; every account stays under per-account limits and runs through a budget before the
// operator rotates to fresh ones; all send one shared template with variable slots and coerce full reasoning,
// and the whole pool moves to a new model within hours of its release.
import type { VerificationTier } from '../../events/types.ts';
import { arrivals, newAccount } from '../common.ts';
import { STACKS } from '../net.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { FLAT_HOURS, WORK_HOURS, DAY_MS } from '../time.ts';
import type { Population, SimAccount, TimedEvent, World } from '../world.ts';
import { attackAccount, campaignPopulation, cardPool, creationBursts, emailGenerator, harvestPrompt, harvestStyle, harvestTask, newCampaign,
  pivotTime, residentialProxies, rotatingAddress, type Target } from './shared.ts';

export const NAME = 'hydra';

export function spawn(world: World, rng: Rng, size: number): Population {
  const campaignStart = world.start - rng.int(1, 6) * DAY_MS;
  const c = newCampaign(rng, 'distillation', NAME, campaignStart);
  const emails = emailGenerator(rng);
  const card = cardPool(rng, size, rng.int(3, 12));
  const created = creationBursts(rng, campaignStart, world.start + (world.end - world.start) * 0.6, rng.int(3, 7));
  const proxies = residentialProxies(rng, rng.int(6, 16));
  const stickiness = rng.chance(0.5) ? 0 : rng.range(0.6, 0.9);
  const style = harvestStyle(rng, world.variant);
  const target = rng.weighted<Target>(['math', 'code', 'instruction'], [45, 30, 25]);
  const stack = rng.pick([STACKS.httpx, STACKS.openaiPython, STACKS.aiohttp]);
  const spoofBrowser = rng.chance(0.3);
  const roundTheClock = rng.chance(0.7);
  const pivotAt = pivotTime(world, rng);
  const gap = rng.range(15, 60) * world.attackTempo;
  const temperature = rng.pick([0.6, 0.7, 1]);
  const maxTokens = rng.pick([8192, 16384]);
  const accounts: SimAccount[] = [];
  for (let i = 0; i < size; i++) {
    const r = rng.fork(`hydra${i}`);
    const address = rotatingAddress(proxies, stickiness);
    const createdAt = created(r);
    const a = newAccount({
      rng: r, createdAt, verification: r.weighted<VerificationTier>(['email', 'phone', 'none'], [70, 25, 5]), useCase: r.pick(['personal projects', 'research', 'chatbot', 'learning', null]),
      emailLocal: emails.local(r), emailDomain: emails.domain(r), payment: card(r), signupAddress: address(r), endpoint: '/v1/chat/completions',
      stack: spoofBrowser ? { ...stack, userAgents: STACKS.browser.userAgents } : stack, address,
    });
    const budget = Math.round(r.lognormal(110, 0.5));
    const activeFrom = createdAt + r.int(1, 48) * 3_600_000;
    function* events(): Generator<TimedEvent> {
      let sent = 0;
      for (const t of arrivals(world, r, activeFrom, { tzOffsetH: 8, hours: roundTheClock ? FLAT_HOURS : WORK_HOURS, sessionsPerDay: 1.6,
        requestsPerSession: 14, gapMedianS: gap, gapSigma: 0.35, weekendFactor: 1 })) {
        if (sent++ >= budget) return;
        yield buildEvent(a.caller, t, {
          model: t >= pivotAt ? world.newModel : world.baseModel, messages: [{ role: 'user', content: harvestPrompt(r, style, harvestTask(world, r, target), world.variant) }],
          maxTokens, effort: 'high', params: { temperature, stream: false }, outputMedian: 700, verbosity: 1.6, errorRate: 0.03,
        });
      }
    }
    accounts.push(attackAccount(c, a, events()));
  }
  return campaignPopulation(c, accounts);
}
