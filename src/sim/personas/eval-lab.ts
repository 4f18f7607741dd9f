// Evaluation labs: research groups sweeping benchmarks (math word problems, multiple choice) with step-by-step
// prompts, temperature 0, in machine-regular bursts, some scoring answers by single-token logprobs and some
// grading with the model as judge, and sweeping a new model within hours of its release.
// The hardest negative for a distillation detector: the content and pace of a harvest, with a verified org.
import { arrivals, createdBefore, egressPool, networkByAsn, newAccount, pickNetwork } from '../common.ts';
import { STACKS } from '../net.ts';
import { rubricPrompt } from '../prompts/builtin-attack.ts';
import { buildEvent, type Effort } from '../request.ts';
import type { Rng } from '../rng.ts';
import { HOUR_MS, WORK_HOURS } from '../time.ts';
import type { Population, TimedEvent, World } from '../world.ts';
import { benignAccount, population } from './shared.ts';

export const NAME = 'eval-lab';

type SweepMode = 'math-cot' | 'mc-generate' | 'mc-logprob' | 'judge';
interface Sweep {
  mode: SweepMode;
  model: string;
  effort: Effort;
}

const HARNESS_SUFFIX = ['Let\'s think step by step.', 'Answer step by step and end with "The answer is N".', 'Solve the problem. Show your reasoning, then give the final answer after ####.', ''];

export function spawn(world: World, rng: Rng, count: number): Population {
  const accounts = [];
  for (let i = 0; i < count; i++) {
    const r = rng.fork(`evallab${i}`);
    const university = r.chance(0.5);
    const net = university ? networkByAsn(r.pick([3, 32, 786, 680])) : pickNetwork(r, 'cloud');
    const egress = egressPool(r, net, r.int(1, 2));
    const a = newAccount({
      rng: r, orgId: `org_${r.hex(10)}`, createdAt: createdBefore(world, r, 400), verification: 'org',
      useCase: r.pick(['model evaluation research', 'benchmarking LLMs', 'academic research on reasoning']),
      emailLocal: r.pick(['evals', 'nlp-lab', 'bench', 'research']), emailDomain: university ? r.pick(['mit.edu', 'stanford.edu', 'cam.ac.uk', 'tum.de']) : 'evalworks.ai',
      signupAddress: egress(r), endpoint: '/v1/chat/completions', stack: r.pick([STACKS.openaiPython, STACKS.aiohttp, STACKS.httpx]), address: egress,
    });
    const suffix = r.pick(HARNESS_SUFFIX);
    const sweepsPerDay = r.range(0.3, 0.9);
    const sweepSize = r.int(100, 400);
    const releaseSweepAt = world.releaseAt + Math.round(r.range(1, 10) * HOUR_MS);
    // What this lab's harness can run: chain-of-thought math, generated multiple choice, and optionally
    // log-likelihood scoring (one token with logprobs, as lm-eval-harness does) and LLM-as-judge grading.
    const modes: SweepMode[] = ['math-cot', 'mc-generate'];
    if (r.chance(0.5)) modes.push('mc-logprob');
    if (r.chance(0.4)) modes.push('judge');
    let sweep: Sweep = { mode: 'math-cot', model: world.baseModel, effort: 'medium' };
    let last = -Infinity;
    function* events(): Generator<TimedEvent> {
      let releaseSweep = releaseSweepAt < world.end;
      for (const t of arrivals(world, r, world.start, { tzOffsetH: university ? 0 : -8, hours: WORK_HOURS, sessionsPerDay: sweepsPerDay,
        requestsPerSession: sweepSize, gapMedianS: 1.8, gapSigma: 0.25, weekendFactor: 0.3 })) {
        // One sweep of the new model as soon as it is out, whatever the usual schedule.
        if (releaseSweep && t >= releaseSweepAt) {
          releaseSweep = false;
          const saved = sweep;
          sweep = { mode: 'math-cot', model: world.newModel, effort: 'high' };
          for (let k = 0, tk = releaseSweepAt; k < sweepSize && tk < t; k++, tk += Math.round(r.lognormal(1800, 0.25))) yield sweepRequest(tk);
          sweep = saved;
        }
        // A pause of more than ten minutes ends a sweep; the next one picks its own model, effort and task.
        if (t - last > 10 * 60_000) {
          const model = t >= world.releaseAt && r.chance(0.6) ? world.newModel : r.chance(0.5) ? world.baseModel : world.smallModel;
          sweep = { mode: r.pick(modes), model, effort: r.pick<Effort>(['low', 'medium', 'high']) };
        }
        last = t;
        yield sweepRequest(t);
      }
    }
    function sweepRequest(t: number): TimedEvent {
      const { mode, model } = sweep;
      const effort = model === world.smallModel ? undefined : sweep.effort;
      if (mode === 'mc-logprob') {
        return buildEvent(a.caller, t, { model, messages: [{ role: 'user', content: world.prompts.benchmark(r) }], maxTokens: 1,
          params: { temperature: 0, logprobs: true, top_logprobs: 5 }, outputMedian: 1, errorRate: 0.01 });
      }
      if (mode === 'judge') {
        const task = r.chance(0.5) ? world.prompts.math(r) : world.prompts.instruction(r);
        return buildEvent(a.caller, t, { model, messages: [{ role: 'user', content: rubricPrompt(r, task, world.variant) }], maxTokens: 1024,
          effort, params: { temperature: 0 }, outputMedian: 120, errorRate: 0.01 });
      }
      const math = mode === 'math-cot';
      const body = math ? world.prompts.math(r) : world.prompts.benchmark(r);
      return buildEvent(a.caller, t, {
        model, messages: [{ role: 'user', content: math && suffix ? `${body}\n${suffix}` : body }], maxTokens: 2048,
        effort, params: { temperature: 0, seed: 1234, n: r.chance(0.2) ? 5 : 1 },
        outputMedian: math ? 260 : 40, verbosity: math ? 1.3 : 1, errorRate: 0.02,
      });
    }
    accounts.push(benignAccount(NAME, a, events()));
  }
  return population(accounts);
}
