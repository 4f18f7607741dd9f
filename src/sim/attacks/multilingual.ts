// Multilingual reasoning coercion: one campaign whose accounts each work in one language (English, Chinese,
// Russian, Spanish, Japanese, German, French, Korean), with the opener and the demand for full reasoning in
// that language around harvested tasks. Shared cards, one e-mail generator, synchronised shifts.
import type { VerificationTier } from '../../events/types.ts';
import { arrivals, homeAddress, newAccount, pickNetwork } from '../common.ts';
import { STACKS } from '../net.ts';
import { coercion, LANGS, TASK_OPENERS, type Lang } from '../prompts/builtin-attack.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { DAY_MS, WORK_HOURS } from '../time.ts';
import type { Population, SimAccount, TimedEvent, World } from '../world.ts';
import { attackAccount, campaignPopulation, cardPool, creationBursts, emailGenerator, harvestTask, newCampaign, pivotTime, type Target } from './shared.ts';

export const NAME = 'multilingual';

const COUNTRY: Record<Lang, string> = { en: 'US', zh: 'CN', ru: 'RU', es: 'ES', ja: 'JP', de: 'DE', fr: 'FR', ko: 'KR' };

export function spawn(world: World, rng: Rng, size: number): Population {
  const c = newCampaign(rng, 'distillation', NAME, world.start);
  const emails = emailGenerator(rng);
  const card = cardPool(rng, size, rng.int(4, 8));
  const created = creationBursts(rng, world.start - 14 * DAY_MS, world.start, 3);
  const pivotAt = pivotTime(world, rng);
  const target = rng.pick<Target>(['math', 'instruction']);
  const accounts: SimAccount[] = [];
  for (let i = 0; i < size; i++) {
    const r = rng.fork(`multi${i}`);
    const lang = LANGS[i % LANGS.length];
    const net = pickNetwork(r, 'residential', COUNTRY[lang]);
    const home = homeAddress(r, net, 0.1);
    const a = newAccount({
      rng: r, createdAt: created(r), verification: r.weighted<VerificationTier>(['email', 'phone'], [60, 40]), useCase: r.pick(['translation', 'education', null]),
      emailLocal: emails.local(r), emailDomain: emails.domain(r), payment: card(r), signupAddress: home(r), endpoint: '/v1/chat/completions',
      stack: STACKS.openaiPython, address: home,
    });
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { tzOffsetH: 8, hours: WORK_HOURS, sessionsPerDay: 2, requestsPerSession: 12,
        gapMedianS: 35 * world.attackTempo, gapSigma: 0.4, weekendFactor: 1 })) {
        const body = `${r.pick(TASK_OPENERS[lang])}\n${harvestTask(world, r, target)}\n\n${coercion(r, lang, world.variant)}`;
        yield buildEvent(a.caller, t, {
          model: t >= pivotAt ? world.newModel : world.baseModel, messages: [{ role: 'user', content: body }], maxTokens: 8192, effort: 'high',
          params: { temperature: 0.7 }, outputMedian: 650, verbosity: 1.6, errorRate: 0.02,
        });
      }
    }
    accounts.push(attackAccount(c, a, events()));
  }
  return campaignPopulation(c, accounts);
}
