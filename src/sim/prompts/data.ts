// Reads the public prompt sets in ../shared/data (see its README.md and each SOURCE.md) into pools of prompt
// strings. The text stays in that folder; nothing is copied into the repository or its output except as the
// prompts of simulated requests.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

/** The files of the public prompt sets, relative to the data folder, by the pool they feed. */
const DATA_FILES = {
  sharegpt: ['sharegpt-prompts/sg_90k_part1_first_sampled_sorted.jsonl', 'sharegpt-prompts/ShareGPT_V3_filtered_1000.jsonl'],
  gsm8k: ['gsm8k/train.jsonl', 'gsm8k/test.jsonl'],
  selfInstruct: ['self-instruct/seed_tasks.jsonl', 'self-instruct/user_oriented_instructions.jsonl'],
  codeAlpaca: ['code-alpaca/code_alpaca_2k.jsonl', 'code-alpaca/new_codealpaca.jsonl'],
  jailbreaks: ['jailbreakbench-artifacts/jailbreaks.jsonl'],
  advbench: ['advbench/harmful_behaviors.jsonl'],
  harmless: ['hh-rlhf-harmless/harmless_base_test.jsonl'],
} as const;

/** Loads every pool it finds under `dir`; a pool whose files are missing stays empty. */
export function loadDataPools(dir: string): DataPools {
  const rows = (files: readonly string[]) => files.flatMap((f) => readJsonl(join(dir, f)));
  const conversationStart = (r: Row) => {
    const c = r.conversations;
    return Array.isArray(c) && c.length > 0 ? text((c[0] as Row).value) : null;
  };
  return {
    chat: collect(rows(DATA_FILES.sharegpt), conversationStart),
    math: collect(rows(DATA_FILES.gsm8k), (r) => text(r.question)),
    instruction: collect(rows(DATA_FILES.selfInstruct), (r) => withInput(r.instruction, firstInstance(r))),
    code: collect(rows(DATA_FILES.codeAlpaca), (r) => withInput(r.instruction, r.input)),
    jailbreak: collect(rows(DATA_FILES.jailbreaks), (r) => text(r.prompt)),
    harmful: collect(rows(DATA_FILES.advbench), (r) => text(r.goal)).concat(collect(rows(DATA_FILES.harmless), (r) => text(r.first_human_turn))),
  };
}

/** Whether `dir` holds any of the prompt set files loadDataPools reads. */
function holdsDataSets(dir: string): boolean {
  return Object.values(DATA_FILES).some((files) => files.some((f) => existsSync(join(dir, f))));
}

/**
 * The prompt folder for a `--data` flag. `none` asks for the built-in templates. Any other value must be a folder
 * holding at least one of the prompt sets: a mistyped path should stop the run, not quietly give an evaluation
 * other prompts. Without the flag: ../shared/data when it exists, else the built-in templates.
 */
export function dataDirFromFlag(flag: string | undefined, cwd: string): string | null {
  if (flag === undefined) return defaultDataDir(cwd);
  if (flag === 'none') return null;
  const dir = resolve(cwd, flag);
  if (!existsSync(dir)) throw new ConfigError(`--data ${flag}: no such folder (give none for the built-in prompt templates)`);
  if (!holdsDataSets(dir)) {
    throw new ConfigError(`--data ${flag} holds none of the public prompt sets (${Object.values(DATA_FILES).map((f) => f[0]!.split('/')[0]).join(', ')}); give none for the built-in templates`);
  }
  return dir;
}

/** The default data folder: ../shared/data relative to the working directory, when it exists. */
export function defaultDataDir(cwd: string): string | null {
  const dir = join(cwd, '..', 'shared', 'data');
  return existsSync(dir) ? dir : null;
}
