// How well the detector's content patterns (jailbreak, injection, system-prompt extraction, harmful request)
// recognise single prompts, per prompt source and per half: the fitting half (variant 0) and the held-out half
// (variant 1) that the simulator's held-out scenarios draw from. Attack sets should be matched; benign sets
// should not (their share is the per-prompt false-positive rate an account's shares are built from).
//
//   node --import tsx scripts/pattern-coverage.ts [--data DIR] [--samples N]
//
// Public sets come from ../shared/data (or --data) when it exists; built-in templates are always measured.
import { parseArgs } from 'node:util';
import { FRAMING, HARMFUL_REQUEST, INJECTION, JAILBREAK } from '../src/detect/signals/jailbreak.ts';
import { SYSTEM_PROMPT_EXTRACTION } from '../src/detect/signals/system-prompt.ts';
import { hasAdversarialSuffix } from '../src/detect/text/adversarial-suffix.ts';
import { scanWindow } from '../src/detect/text/normalize.ts';
import { builtinAttack } from '../src/sim/prompts/builtin-attack.ts';
import { builtinBenign } from '../src/sim/prompts/builtin-benign.ts';
import { builtinTasks } from '../src/sim/prompts/builtin-tasks.ts';
import { join } from 'node:path';
import { defaultDataDir, loadDataPools, readJsonl, type DataPools } from '../src/sim/prompts/data.ts';
import { partition } from '../src/sim/prompts/slots.ts';
import { Rng } from '../src/sim/rng.ts';

/** Each family as the signals test it (src/detect/signals/jailbreak.ts, system-prompt.ts). */
const PATTERNS = {
  jailbreak: (t: string) => JAILBREAK.test(t) || hasAdversarialSuffix(t) || (HARMFUL_REQUEST.test(t) && FRAMING.test(t)),
  injection: (t: string) => INJECTION.test(t),
  system: (t: string) => SYSTEM_PROMPT_EXTRACTION.test(t),
  harmful: (t: string) => HARMFUL_REQUEST.test(t),
} as const;
type PatternName = keyof typeof PATTERNS;

interface Source {
  name: string;
  kind: 'attack' | 'benign';
  /** the prompts of one half */
  prompts(variant: 0 | 1): string[];
}

function coverage(prompts: string[]): { n: number; any: number; per: Record<PatternName, number> } {
  const per = { jailbreak: 0, injection: 0, system: 0, harmful: 0 };
  let any = 0;
  for (const p of prompts) {
    // the detector scans the head and tail of the user turn (src/detect/text/prepare.ts)
    const scan = scanWindow(p, 1_500, 500);
    let hit = false;
    for (const name of Object.keys(PATTERNS) as PatternName[]) {
      if (PATTERNS[name](scan)) {
        per[name]++;
        hit = true;
      }
    }
    if (hit) any++;
  }
  return { n: prompts.length, any, per };
}

function sampled(gen: (rng: Rng) => string, samples: number, seed: string): string[] {
  const rng = new Rng(seed);
  return Array.from({ length: samples }, () => gen(rng));
}

function builtinSources(samples: number): Source[] {
  const gen = (kind: Source['kind'], name: string, pick: (v: 0 | 1) => (rng: Rng) => string): Source => ({
    name: `builtin ${name}`, kind, prompts: (v) => sampled(pick(v), samples, `coverage ${name} ${v}`),
  });
  return [
    gen('attack', 'jailbreak', (v) => builtinAttack(v).jailbreak),
    gen('attack', 'harmful', (v) => builtinAttack(v).harmful),
    gen('attack', 'system-prompt extraction', (v) => builtinAttack(v).systemPromptExtraction),
    gen('attack', 'injection', (v) => builtinAttack(v).injection),
    gen('benign', 'chat', (v) => builtinBenign(v).chat),
    gen('benign', 'coding', (v) => builtinBenign(v).coding),
    gen('benign', 'tutoring', (v) => builtinBenign(v).tutoring),
    gen('benign', 'copywriting', (v) => builtinBenign(v).copywriting),
    gen('benign', 'math tasks', (v) => builtinTasks(v).math),
    gen('benign', 'instruction tasks', (v) => builtinTasks(v).instruction),
  ];
}

function dataSources(dir: string): Source[] {
  const pools = loadDataPools(dir);
  const of = (kind: Source['kind'], name: keyof DataPools): Source => ({ name: `data ${name}`, kind, prompts: (v) => [...partition(pools[name], v)] });
  // the harmful pool mixes AdvBench (plain harmful asks) with HH-RLHF red-team openers, many of them mild
  const advbench = readJsonl(join(dir, 'advbench', 'harmful_behaviors.jsonl')).map((r) => String(r.goal ?? ''));
  return [
    of('attack', 'jailbreak'), of('attack', 'harmful'), { name: 'data harmful: advbench', kind: 'attack', prompts: (v) => [...partition(advbench, v)] },
    of('benign', 'chat'), of('benign', 'instruction'), of('benign', 'code'), of('benign', 'math'),
  ];
}

function percent(n: number, d: number): string {
  return d === 0 ? '-' : `${((100 * n) / d).toFixed(1)} %`;
}

function main(): void {
  const { values } = parseArgs({ options: { data: { type: 'string' }, samples: { type: 'string', default: '2000' } } });
  const samples = Number(values.samples);
  const dir = values.data ?? defaultDataDir(process.cwd());
  const sources = [...builtinSources(samples), ...(dir ? dataSources(dir) : [])];
  console.log(`content-pattern coverage per prompt (attack sets: matched share, higher is better; benign: lower is better)`);
  console.log(`${'source'.padEnd(36)} ${'half'.padEnd(9)} ${'n'.padStart(6)} ${'any'.padStart(8)}  jailbreak / injection / system / harmful`);
  for (const s of sources) {
    for (const v of [0, 1] as const) {
      const c = coverage(s.prompts(v));
      if (c.n === 0) continue;
      const per = (Object.keys(c.per) as PatternName[]).map((k) => percent(c.per[k], c.n)).join(' / ');
      console.log(`${`${s.name} (${s.kind})`.padEnd(36)} ${(v === 0 ? 'fit' : 'held-out').padEnd(9)} ${String(c.n).padStart(6)} ${percent(c.any, c.n).padStart(8)}  ${per}`);
    }
  }
}

main();
