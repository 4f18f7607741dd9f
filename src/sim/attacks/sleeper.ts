// Sleeper accounts: created together months ago, aged with a trickle of ordinary chat so they look
// established, then switched on together to harvest at volume partway through the run.
import type { VerificationTier } from '../../events/types.ts';
import { arrivals, homeAddress, newAccount, pickNetwork } from '../common.ts';
import { STACKS } from '../net.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { DAY_MS, FLAT_HOURS, HUMAN_HOURS } from '../time.ts';
import type { Population, SimAccount, TimedEvent, World } from '../world.ts';
import { attackAccount, campaignPopulation, cardPool, creationBursts, emailGenerator, harvestPrompt, harvestStyle, harvestTask, newCampaign,
  residentialProxies, rotatingAddress, type Target } from './shared.ts';

export const NAME = 'sleeper';

export function spawn(world: World, rng: Rng, size: number): Population {
  const wakeAt = world.start + Math.floor(rng.range(0.35, 0.6) * (world.end - world.start));
  const c = newCampaign(rng, 'distillation', NAME, wakeAt);
  const emails = emailGenerator(rng);
  const card = cardPool(rng, size, rng.int(4, 10));
  const bornAt = world.start - rng.int(60, 150) * DAY_MS;
  const created = creationBursts(rng, bornAt, bornAt + 3 * DAY_MS, 2);
  const proxies = residentialProxies(rng, rng.int(5, 12));
  const style = harvestStyle(rng, world.variant);
  const target = rng.pick<Target>(['math', 'code', 'instruction']);
  const accounts: SimAccount[] = [];
  for (let i = 0; i < size; i++) {
    const r = rng.fork(`sleeper${i}`);
    const quietNet = pickNetwork(r, 'residential');
    const quiet = homeAddress(r, quietNet, 0);
    const harvest = rotatingAddress(proxies, 0.7);
    let awake = false;
    const a = newAccount({
      rng: r, createdAt: created(r), verification: r.weighted<VerificationTier>(['email', 'phone'], [50, 50]), useCase: r.pick(['personal assistant', 'learning', null]),
      emailLocal: emails.local(r), emailDomain: emails.domain(r), payment: card(r), signupAddress: quiet(r), endpoint: '/v1/chat/completions',
      stack: STACKS.openaiPython, address: (rr) => (awake ? harvest(rr) : quiet(rr)),
    });
    const wake = wakeAt + Math.round(r.exponential(2) * 3_600_000);
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { to: wake, tzOffsetH: 3, hours: HUMAN_HOURS, sessionsPerDay: 0.3, requestsPerSession: 2,
        gapMedianS: 60, gapSigma: 1, weekendFactor: 1 })) {
        yield buildEvent(a.caller, t, { model: world.baseModel, messages: [{ role: 'user', content: world.prompts.chat(r) }], params: { temperature: 0.8 },
          outputMedian: 300, errorRate: 0.01 });
      }
      awake = true;
      for (const t of arrivals(world, r, wake, { tzOffsetH: 0, hours: FLAT_HOURS, sessionsPerDay: 3, requestsPerSession: 25,
        gapMedianS: 30 * world.attackTempo, gapSigma: 0.35, weekendFactor: 1 })) {
        yield buildEvent(a.caller, t, {
          model: t >= world.releaseAt ? world.newModel : world.baseModel, messages: [{ role: 'user', content: harvestPrompt(r, style, harvestTask(world, r, target), world.variant) }],
          maxTokens: 8192, effort: 'high', params: { temperature: 0.7 }, outputMedian: 700, verbosity: 1.6, errorRate: 0.02,
        });
      }
    }
    accounts.push(attackAccount(c, a, events()));
  }
  return campaignPopulation(c, accounts);
}
