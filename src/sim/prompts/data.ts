// Reads the public prompt sets in ../shared/data (see its README.md and each SOURCE.md) into pools of prompt
// strings. The text stays in that folder; nothing is copied into the repository or its output except as the
// prompts of simulated requests.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../errors.ts';

export interface DataPools {
  chat: string[];
  math: string[];
  instruction: string[];
  code: string[];
  jailbreak: string[];
  harmful: string[];
}

/** Prompts longer than this are cut: a few ShareGPT first turns paste whole documents. */
const MAX_PROMPT_CHARS = 6000;

type Row = Record<string, unknown>;

/** The rows of a JSONL file ([] when it is missing). */
export function readJsonl(path: string): Row[] {
  if (!existsSync(path)) return [];
  const rows: Row[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.length === 0) continue;
    try {
      rows.push(JSON.parse(line) as Row);
    } catch {
      throw new ConfigError(`${path}:${i + 1}: not valid JSON`);
    }
  }
  return rows;
}

function text(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (t.length === 0) return null;
  return t.length > MAX_PROMPT_CHARS ? t.slice(0, MAX_PROMPT_CHARS) : t;
}

function withInput(instruction: unknown, input: unknown): string | null {
  const head = text(instruction);
  if (head === null) return null;
  const body = text(input);
  return body === null ? head : `${head}\n\n${body}`;
}

function collect(rows: Row[], pick: (r: Row) => string | null): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const s = pick(r);
    if (s !== null) out.push(s);
  }
  return out;
}

function firstInstance(r: Row): unknown {
  const inst = r.instances;
  return Array.isArray(inst) && inst.length > 0 ? (inst[0] as Row).input : undefined;
}

/** Loads every pool it finds under `dir`; a pool whose files are missing stays empty. */
export function loadDataPools(dir: string): DataPools {
  const p = (...parts: string[]) => join(dir, ...parts);
  const sharegpt = readJsonl(p('sharegpt-prompts', 'sg_90k_part1_first_sampled_sorted.jsonl'))
    .concat(readJsonl(p('sharegpt-prompts', 'ShareGPT_V3_filtered_1000.jsonl')));
  const conversationStart = (r: Row) => {
    const c = r.conversations;
    return Array.isArray(c) && c.length > 0 ? text((c[0] as Row).value) : null;
  };
  return {
    chat: collect(sharegpt, conversationStart),
    math: collect(readJsonl(p('gsm8k', 'train.jsonl')).concat(readJsonl(p('gsm8k', 'test.jsonl'))), (r) => text(r.question)),
    instruction: collect(readJsonl(p('self-instruct', 'seed_tasks.jsonl')).concat(readJsonl(p('self-instruct', 'user_oriented_instructions.jsonl'))),
      (r) => withInput(r.instruction, firstInstance(r))),
    code: collect(readJsonl(p('code-alpaca', 'code_alpaca_2k.jsonl')).concat(readJsonl(p('code-alpaca', 'new_codealpaca.jsonl'))),
      (r) => withInput(r.instruction, r.input)),
    jailbreak: collect(readJsonl(p('jailbreakbench-artifacts', 'jailbreaks.jsonl')), (r) => text(r.prompt)),
    harmful: collect(readJsonl(p('advbench', 'harmful_behaviors.jsonl')), (r) => text(r.goal))
      .concat(collect(readJsonl(p('hh-rlhf-harmless', 'harmless_base_test.jsonl')), (r) => text(r.first_human_turn))),
  };
}

/** The default data folder: ../shared/data relative to the working directory, when it exists. */
export function defaultDataDir(cwd: string): string | null {
  const dir = join(cwd, '..', 'shared', 'data');
  return existsSync(dir) ? dir : null;
}
