// labels.json (written by `distillguard simulate`): the ground truth `eval` scores against.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { EvalLabels } from './metrics.ts';

const trueClass = z.enum(['benign', 'distillation', 'extraction', 'jailbreak']);

const labelsSchema = z.object({
  version: z.literal(1),
  scenario: z.string().optional(),
  seed: z.number().optional(),
  scale: z.number().optional(),
  days: z.number().optional(),
  accounts: z.record(z.string(), z.object({ class: trueClass, persona: z.string(), campaign_id: z.string().nullable() })),
  campaigns: z.record(z.string(), z.object({ kind: z.enum(['distillation', 'extraction', 'jailbreak']), attack: z.string(), started_at: z.string() })),
});

export type LabelsFile = z.infer<typeof labelsSchema>;

export function parseLabels(value: unknown, source = 'labels'): LabelsFile & EvalLabels {
  const r = labelsSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ConfigError(`${source} is not labels v1: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  for (const [id, c] of Object.entries(r.data.campaigns)) {
    if (Number.isNaN(Date.parse(c.started_at))) throw new ConfigError(`${source}: campaigns.${id}.started_at is not a timestamp`);
  }
  return r.data;
}

export function readLabels(path: string): LabelsFile & EvalLabels {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read labels file ${path}: ${(err as Error).message}`);
  }
  return parseLabels(raw, `labels file ${path}`);
}
