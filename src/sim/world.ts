// The shared setting of one simulation run and the label shapes every actor reports.
import type { AccountRecordV1, LogEventV1 } from '../events/types.ts';
import type { PromptLibrary } from './prompts/library.ts';

export type AccountClass = 'benign' | 'distillation' | 'extraction' | 'jailbreak';
export type AttackClass = Exclude<AccountClass, 'benign'>;

export interface AccountLabel {
  class: AccountClass;
  /** The persona (benign) or attack name that generated the account. */
  persona: string;
  campaign_id: string | null;
}

export interface CampaignLabel {
  kind: AttackClass;
  attack: string;
  started_at: string;
}

export interface ModelRelease {
  model: string;
  released_at: string;
}

export interface World {
  scenario: string;
  seed: number;
  start: number;
  end: number;
  /** 0 for fitting scenarios, 1 for held-out ones: selects template halves and parameter draws. */
  variant: 0 | 1;
  prompts: PromptLibrary;
  baseModel: string;
  smallModel: string;
  /** The model released during the run, and when. */
  newModel: string;
  releaseAt: number;
  /** Held-out runs stretch or shrink attacker timing by this factor. */
  attackTempo: number;
}

export interface TimedEvent {
  t: number;
  event: LogEventV1;
}

export interface SimAccount {
  record: AccountRecordV1;
  label: AccountLabel;
  /** The account's requests in ascending time, generated lazily. */
  events: Iterator<TimedEvent>;
}

export interface Population {
  accounts: SimAccount[];
  campaigns: Record<string, CampaignLabel>;
}

export function emptyPopulation(): Population {
  return { accounts: [], campaigns: {} };
}

export function mergePopulation(into: Population, from: Population): void {
  for (const a of from.accounts) into.accounts.push(a);
  Object.assign(into.campaigns, from.campaigns);
}
