// Tutoring apps: homework help for students that always asks for step-by-step reasoning, during school and
// homework hours, with student ids in params.user. Reasoning coercion with a benign purpose.
import { adoption, arrivals, createdBefore, egressPool, largeModel, newAccount, pickNetwork } from '../common.ts';
import { STACKS } from '../net.ts';
import { buildEvent } from '../request.ts';
import type { Rng } from '../rng.ts';
import { HUMAN_HOURS } from '../time.ts';
import type { Population, TimedEvent, World } from '../world.ts';
import { benignAccount, endUser, population } from './shared.ts';

export const NAME = 'tutoring-app';

/** How a tutoring app phrases "explain it step by step for the student" in its users' language. */
const LOCAL_STEP_BY_STEP: Record<string, readonly string[] | null> = {
  en: null,
  zh: ['请一步一步地讲解，让学生能听懂。', '请分步骤解释，并在最后提一个练习题。'],
  ko: ['학생이 이해할 수 있도록 단계별로 설명해 주세요.', '풀이 과정을 차근차근 보여 주세요.'],
  ja: ['生徒がわかるように、一歩ずつ説明してください。', '解き方を順番に丁寧に説明してください。'],
  de: ['Erkläre es Schritt für Schritt, sodass die Schülerin folgen kann.', 'Bitte den Lösungsweg schrittweise erklären.'],
  fr: ['Explique étape par étape pour que l\'élève puisse suivre.', 'Détaille la méthode pas à pas.'],
  es: ['Explícalo paso a paso para que el alumno lo entienda.', 'Muestra el procedimiento paso a paso.'],
};

const SYSTEMS = [
  'You are a patient math and science tutor for school students. Always explain step by step, check understanding, and never just give the final answer.',
  'You are StudyBuddy. Guide the learner through each step of the reasoning. Use simple language appropriate for the grade level.',
  'Tutor mode: break every solution into numbered steps, explain why each step works, then ask the student a follow-up question.',
];

export function spawn(world: World, rng: Rng, count: number): Population {
  const accounts = [];
  for (let i = 0; i < count; i++) {
    const r = rng.fork(`tutor${i}`);
    const net = pickNetwork(r, 'cloud');
    const egress = egressPool(r, net, r.int(1, 3));
    const system = r.pick(SYSTEMS);
    const a = newAccount({
      rng: r, orgId: `org_${r.hex(10)}`, createdAt: createdBefore(world, r, 200), verification: r.weighted(['org', 'phone', 'id'], [50, 30, 20]),
      useCase: r.pick(['education', 'homework help app', 'tutoring platform']), emailLocal: 'team', emailDomain: r.pick(['learnly.io', 'tutorbee.com', 'mathmentor.app', 'brightclass.org']),
      signupAddress: egress(r), endpoint: '/v1/chat/completions', stack: r.pick([STACKS.openaiNode, STACKS.openaiPython]), address: egress,
    });
    const adoptAt = adoption(world, r, 72, 1);
    const volume = r.lognormal(50, 0.7);
    const tz = r.pick([-5, -8, 1, 8, 9]);
    // Apps serving students abroad ask for the step-by-step explanation in the students' language.
    const localAsk = LOCAL_STEP_BY_STEP[tz === 8 ? r.pick(['zh', 'ko']) : tz === 9 ? 'ja' : tz === 1 ? r.pick(['de', 'fr', 'es']) : 'en'];
    function* events(): Generator<TimedEvent> {
      for (const t of arrivals(world, r, world.start, { tzOffsetH: tz, hours: HUMAN_HOURS, sessionsPerDay: volume / 3, requestsPerSession: 3,
        gapMedianS: 50, gapSigma: 1, weekendFactor: 0.8 })) {
        yield buildEvent(a.caller, t, {
          model: largeModel(world, r, t, adoptAt), messages: [{ role: 'system', content: system }, { role: 'user', content: localAsk ? `${world.prompts.tutoring(r)}\n${r.pick(localAsk)}` : world.prompts.tutoring(r) }],
          maxTokens: 2048, effort: r.pick(['low', 'medium']), params: { temperature: 0.4, stream: true, user: endUser(r, 'student_', 20_000) },
          outputMedian: 420, verbosity: 1.2, errorRate: 0.01,
        });
      }
    }
    accounts.push(benignAccount(NAME, a, events()));
  }
  return population(accounts);
}
