// A university NAT: dozens of student accounts behind one address, signed up in a burst at the start of term
// with the same e-mail domain: linkage evidence that is not a campaign. Homework, coding and chat prompts.
import type { VerificationTier } from '../../events/types.ts';
import { adoption, arrivals, largeModel, newAccount, networkByAsn } from '../common.ts';
import { addressIn, STACKS } from '../net.ts';
import { personalLocal } from '../identity.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { DAY_MS, HUMAN_HOURS } from '../time.ts';
import type { Population, SimAccount, TimedEvent, World } from '../world.ts';
import { benignAccount, chatTurns, population } from './shared.ts';

export const NAME = 'university';

const CAMPUSES = [
  { asn: 3, domain: 'mit.edu', tz: -5 }, { asn: 32, domain: 'stanford.edu', tz: -8 },
  { asn: 786, domain: 'cam.ac.uk', tz: 0 }, { asn: 680, domain: 'tu-berlin.de', tz: 1 },
];

/** `count` is the number of student accounts; they are spread over campuses of 25-60 students. */
export function spawn(world: World, rng: Rng, count: number): Population {
  const accounts: SimAccount[] = [];
  let campusIndex = 0;
  while (accounts.length < count) {
    const cr = rng.fork(`campus${campusIndex}`);
    const campus = CAMPUSES[campusIndex % CAMPUSES.length];
    campusIndex++;
    const net = networkByAsn(campus.asn);
    const nat = addressIn(cr, net);
    const termStart = world.start - cr.int(20, 35) * DAY_MS;
    const size = Math.min(count - accounts.length, cr.int(25, 60));
    for (let i = 0; i < size; i++) {
      const r = cr.fork(`student${i}`);
      const a = newAccount({
        rng: r, createdAt: termStart + Math.round(r.exponential(2) * DAY_MS), verification: r.weighted<VerificationTier>(['email', 'none', 'phone'], [60, 25, 15]),
        useCase: r.pick(['coursework', 'learning to code', 'thesis research', 'studying']), emailLocal: personalLocal(r), emailDomain: campus.domain,
        payment: r.chance(0.5) ? null : undefined, signupAddress: nat, endpoint: '/v1/chat/completions',
        stack: r.weighted([STACKS.openaiPython, STACKS.browser, STACKS.openaiNode], [50, 35, 15]), address: () => nat,
      });
      const adoptAt = adoption(world, r, 60, 1.2);
      const sessions = r.lognormal(0.7, 0.7);
      const kind = r.weighted(['chat', 'coding', 'math'], [45, 35, 20]);
      function* events(): Generator<TimedEvent> {
        for (const t of arrivals(world, r, world.start, { tzOffsetH: campus.tz, hours: HUMAN_HOURS, sessionsPerDay: sessions, requestsPerSession: 4,
          gapMedianS: 60, gapSigma: 1, weekendFactor: 0.9 })) {
          const body = kind === 'chat' ? world.prompts.chat(r) : kind === 'coding' ? world.prompts.coding(r)
            : `${world.prompts.math(r)}${r.chance(0.6) ? ' Explain step by step.' : ''}`;
          yield buildEvent(a.caller, t, {
            model: largeModel(world, r, t, adoptAt), messages: chatTurns(r, body, 0.3), maxTokens: r.pick([1024, 4096]),
            params: { temperature: 0.7 }, outputMedian: 400, errorRate: 0.01,
          });
        }
      }
      accounts.push(benignAccount(NAME, a, events()));
    }
  }
  return population(accounts);
}
