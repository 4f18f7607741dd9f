// Release pivots: a pool that goes after the newly released model within hours of its release. Accounts are
// made in a burst around the release, barely used before it, then harvest the new model at full pace.
import type { VerificationTier } from '../../events/types.ts';
import { arrivals, newAccount } from '../common.ts';
import { STACKS } from '../net.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { DAY_MS, FLAT_HOURS, HOUR_MS } from '../time.ts';
import type { Population, SimAccount, TimedEvent, World } from '../world.ts';
import { attackAccount, campaignPopulation, cardPool, creationBursts, emailGenerator, harvestPrompt, harvestStyle, harvestTask, newCampaign,
  pivotTime, residentialProxies, rotatingAddress, type Target } from './shared.ts';

export const NAME = 'release-pivot';

export function spawn(world: World, rng: Rng, size: number): Population {
  const pivotAt = pivotTime(world, rng);
  const c = newCampaign(rng, 'distillation', NAME, world.releaseAt - DAY_MS);
  const emails = emailGenerator(rng);
  const card = cardPool(rng, size, rng.int(3, 8));
  const created = creationBursts(rng, world.releaseAt - 2 * DAY_MS, world.releaseAt - 6 * HOUR_MS, 2);
  const proxies = residentialProxies(rng, rng.int(4, 10));
  const style = harvestStyle(rng, world.variant);
  const target = rng.pick<Target>(['math', 'code']);
  const accounts: SimAccount[] = [];
  for (let i = 0; i < size; i++) {
    const r = rng.fork(`pivot${i}`);
    const address = rotatingAddress(proxies, 0.8);
    const createdAt = created(r);
    const a = newAccount({
      rng: r, createdAt, verification: r.weighted<VerificationTier>(['email', 'phone'], [60, 40]), useCase: r.pick(['research', 'chatbot', null]),
      emailLocal: emails.local(r), emailDomain: emails.domain(r), payment: card(r), signupAddress: address(r), endpoint: '/v1/chat/completions',
      stack: STACKS.openaiPython, address,
    });
    const pivot = pivotAt + Math.round(r.exponential(0.3) * HOUR_MS);
    function* events(): Generator<TimedEvent> {
      // A few warm-up calls on the old model, then the harvest of the new one.
      for (const t of arrivals(world, r, createdAt, { to: pivot, tzOffsetH: 0, hours: FLAT_HOURS, sessionsPerDay: 0.5, requestsPerSession: 2,
        gapMedianS: 40, gapSigma: 0.5, weekendFactor: 1 })) {
        yield buildEvent(a.caller, t, { model: world.baseModel, messages: [{ role: 'user', content: harvestTask(world, r, target) }], maxTokens: 4096,
          params: { temperature: 0.7 }, outputMedian: 400, errorRate: 0.01 });
      }
      for (const t of arrivals(world, r, pivot, { tzOffsetH: 0, hours: FLAT_HOURS, sessionsPerDay: 4, requestsPerSession: 20,
        gapMedianS: 25 * world.attackTempo, gapSigma: 0.35, weekendFactor: 1 })) {
        yield buildEvent(a.caller, t, {
          model: world.newModel, messages: [{ role: 'user', content: harvestPrompt(r, style, harvestTask(world, r, target), world.variant) }],
          maxTokens: 16384, effort: 'high', params: { temperature: 0.7 }, outputMedian: 700, verbosity: 1.6, errorRate: 0.03,
        });
      }
    }
    accounts.push(attackAccount(c, a, events()));
  }
  return campaignPopulation(c, accounts);
}
