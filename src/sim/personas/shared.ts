// Small helpers every benign persona uses.
import type { ChatMessage } from '../../events/types.ts';
import type { Rng } from '../rng.ts';
import type { Population, SimAccount, TimedEvent } from '../world.ts';
import type { NewAccount } from '../common.ts';

export function benignAccount(persona: string, account: NewAccount, events: Iterator<TimedEvent>): SimAccount {
  return { record: account.record, label: { class: 'benign', persona, campaign_id: null }, events };
}

export function population(accounts: SimAccount[]): Population {
  return { accounts, campaigns: {} };
}

const ASSISTANT_REPLIES = ['Sure! Here are a few options to consider.', 'Good question. In short, it depends on a few factors.',
  'Here is a first draft you can adjust.', 'Let me break that down.', 'Of course. The main steps are below.'];
const FOLLOW_UPS = ['thanks, can you make it shorter?', 'Can you give me another example?', 'What about the second point, can you expand?',
  'ok and what if I only have half the time?', 'Make it more formal please.', 'Could you put that in a table?'];

/** Sometimes a chat continues an earlier exchange: the client resends the history with a follow-up. */
export function chatTurns(rng: Rng, first: string, followUpShare: number, system?: string): ChatMessage[] {
  const messages: ChatMessage[] = system ? [{ role: 'system', content: system }] : [];
  messages.push({ role: 'user', content: first });
  if (rng.chance(followUpShare)) {
    messages.push({ role: 'assistant', content: rng.pick(ASSISTANT_REPLIES) });
    messages.push({ role: 'user', content: rng.pick(FOLLOW_UPS) });
  }
  return messages;
}

/** An end-user id as apps pass it in params.user. */
export function endUser(rng: Rng, prefix: string, population: number): string {
  return `${prefix}${rng.int(1, population).toString(36).padStart(5, '0')}`;
}
