// One place every persona and attack draws its prompts from: the public datasets where they exist
// (split between fitting and held-out variants), built-in templates for everything else.
import type { Rng } from '../rng.ts';
import { builtinAttack } from './builtin-attack.ts';
import { builtinBenign } from './builtin-benign.ts';
import { builtinTasks } from './builtin-tasks.ts';
import { loadDataPools, type DataPools } from './data.ts';
import { partition } from './slots.ts';

export type PromptGenerator = (rng: Rng) => string;

export interface PromptLibrary {
  source: 'builtin' | 'data';
  // benign
  chat: PromptGenerator;
  coding: PromptGenerator;
  ragQuestion: PromptGenerator;
  tutoring: PromptGenerator;
  translation: PromptGenerator;
  copywriting: PromptGenerator;
  power: PromptGenerator;
  benchmark: PromptGenerator;
  // tasks that distillers harvest and labs evaluate
  math: PromptGenerator;
  instruction: PromptGenerator;
  code: PromptGenerator;
  // attacks
  agentic: PromptGenerator;
  probe: PromptGenerator;
  jailbreak: PromptGenerator;
  harmful: PromptGenerator;
  systemPromptExtraction: PromptGenerator;
  injection: PromptGenerator;
}

function fromPool(items: readonly string[], variant: 0 | 1, fallback: PromptGenerator): PromptGenerator {
  const pool = partition(items, variant);
  if (pool.length === 0) return fallback;
  return (rng) => rng.pick(pool);
}

/** Mixes a dataset pool with built-in templates (share = probability of the dataset). */
function blend(data: PromptGenerator, builtin: PromptGenerator, share: number): PromptGenerator {
  return (rng) => (rng.chance(share) ? data(rng) : builtin(rng));
}

export function buildPromptLibrary(variant: 0 | 1, dataDir: string | null): PromptLibrary {
  const benign = builtinBenign(variant);
  const tasks = builtinTasks(variant);
  const attack = builtinAttack(variant);
  const builtin: PromptLibrary = { source: 'builtin', ...benign, ...tasks, ...attack };
  if (dataDir === null) return builtin;
  const pools: DataPools = loadDataPools(dataDir);
  if (Object.values(pools).every((pool: string[]) => pool.length === 0)) return builtin;
  return {
    ...builtin,
    source: 'data',
    chat: blend(fromPool(pools.chat, variant, benign.chat), benign.chat, 0.85),
    math: fromPool(pools.math, variant, tasks.math),
    instruction: fromPool(pools.instruction, variant, tasks.instruction),
    code: fromPool(pools.code, variant, tasks.code),
    jailbreak: blend(fromPool(pools.jailbreak, variant, attack.jailbreak), attack.jailbreak, 0.8),
    harmful: fromPool(pools.harmful, variant, attack.harmful),
  };
}
